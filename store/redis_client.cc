#include "store/redis_client.h"

#include <csignal>
#include <ctime>
#include <limits>
#include <optional>

#include <pthread.h>

#include <hiredis/hiredis.h>

#include "common/text.h"

namespace c4 {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

// Parses a decimal number in [min, max]; nullopt for anything else (sign, spaces, overflow).
std::optional<long long> parse_decimal(std::string_view s, long long min, long long max) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

// Keeps a write to a closed connection from killing the process with SIGPIPE (hiredis writes
// with plain write()): blocks SIGPIPE in this thread and discards the one the write raised.
// Only the calling thread is affected; the process's handlers are left alone.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      sigpending(&pending);
      timespec zero{};
      if (sigismember(&pending, SIGPIPE) == 1) sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
};

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::string; break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::error; break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::integer; break;
    case REDIS_REPLY_ARRAY: out.type = RedisReply::Type::array; break;
    default: out.type = RedisReply::Type::nil; break;
  }
  if (r->type == REDIS_REPLY_INTEGER) out.integer = r->integer;
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_ERROR)
    out.str.assign(r->str, r->len);
  if (r->type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r->elements);
    for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
  }
  return out;
}

// Appends one command to the context's output buffer (nothing is sent yet).
bool append(redisContext* c, const RedisCommand& argv, std::vector<const char*>& ptrs,
            std::vector<size_t>& lens) {
  ptrs.clear();
  lens.clear();
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  return redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data()) == REDIS_OK;
}

}  // namespace

std::string RedisAddress::redacted() const {
  std::string out = "redis://";
  if (!password.empty()) out += username + ":***@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port) + "/" + std::to_string(db);
  return out;
}

Result<RedisAddress> parse_redis_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    // The URL may hold a password: never echo it.
    return Status::invalid("invalid Redis URL (expected redis://[[user]:password@]host[:port][/db]): " + why);
  };
  constexpr std::string_view kScheme = "redis://";
  if (url.size() < kScheme.size() || url.substr(0, kScheme.size()) != kScheme) {
    if (url.substr(0, 9) == "rediss://") return bad("TLS (rediss://) is not supported");
    return bad("it must start with redis://");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);

  RedisAddress a;
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) return bad("the user part has no ':' before the password");
    auto user = percent_decode(userinfo.substr(0, colon), {.strict = true});
    auto password = percent_decode(userinfo.substr(colon + 1), {.strict = true});
    if (!user || !password) return bad("bad percent-encoding in the user or password");
    a.username = std::move(*user);
    a.password = std::move(*password);
  }

  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("an IPv6 host needs a closing ']'");
    a.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after the IPv6 host");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos && authority.find(':', colon + 1) != std::string_view::npos)
      return bad("an IPv6 host must be written in brackets");
    a.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (a.host.empty()) return bad("the host is missing");
  for (char c : a.host)
    if (c <= ' ' || c == '?' || c == '#' || c == '%') return bad("the host has a character that is not allowed");
  if (has_port) {
    auto port = parse_decimal(port_text, 1, 65535);
    if (!port) return bad("the port must be a number from 1 to 65535");
    a.port = static_cast<int>(*port);
  }
  if (!path.empty()) {
    auto db = parse_decimal(path, 0, std::numeric_limits<int>::max());
    if (!db) return bad("the database must be a number (the path after the host)");
    a.db = static_cast<int>(*db);
  }
  return a;
}

Status redis_error_status(const RedisReply& reply, const std::string& context) {
  std::string_view text = reply.str;
  std::string_view code = text.substr(0, text.find(' '));
  // Errors a retry may fix: the server is loading, busy with a script, a read-only replica,
  // cut from its master, or the credentials were changed under us.
  for (std::string_view transient : {"LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN",
                                     "CLUSTERDOWN", "NOAUTH", "WRONGPASS", "NOPERM"})
    if (code == transient) return Status::unavailable(context + ": " + reply.str);
  return Status::internal(context + ": " + reply.str);
}

RedisClient::RedisClient(RedisAddress address, Options options)
    : address_(std::move(address)), options_(options) {}

RedisClient::~RedisClient() { close(); }

void RedisClient::close() {
  if (context_) redisFree(context_);
  context_ = nullptr;
  unread_ = 0;
}

Result<std::unique_ptr<RedisClient>> RedisClient::connect(std::string_view url, Options options) {
  auto address = parse_redis_url(url);
  if (!address) return address.status();
  return connect(*address, options);
}

Result<std::unique_ptr<RedisClient>> RedisClient::connect(const RedisAddress& address, Options options) {
  std::unique_ptr<RedisClient> client(new RedisClient(address, options));
  if (Status s = client->ensure_connected(); !s) return s;
  return client;
}

Status RedisClient::connection_error(const std::string& doing) {
  std::string why = context_ ? std::string(context_->errstr) : "not connected";
  if (why.empty()) why = "connection error";
  if (why.find("temporarily unavailable") != std::string::npos) why = "timed out";
  close();
  return Status::unavailable(doing + " on " + address_.redacted() + ": " + why);
}

Status RedisClient::ensure_connected() {
  if (context_ && context_->err == 0) return Status::ok();
  close();
  context_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, to_timeval(options_.connect_timeout));
  if (!context_) return Status::unavailable("connecting to " + address_.redacted() + ": out of memory");
  if (context_->err) return connection_error("connecting");
  timeval io = to_timeval(options_.io_timeout);
  if (redisSetTimeout(context_, io) != REDIS_OK) return connection_error("setting the socket timeout");
  redisEnableKeepAlive(context_);  // best effort: a failure only loses early dead-peer detection

  // Log in and select the database on this connection before anything else is sent.
  auto setup = [&](const RedisCommand& argv, const std::string& doing) -> Status {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    void* raw = nullptr;
    SigpipeGuard guard;
    if (!append(context_, argv, ptrs, lens) || redisGetReply(context_, &raw) != REDIS_OK)
      return connection_error(doing);
    RedisReply reply = convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    if (reply.is_error()) {
      close();
      return Status::unavailable(doing + " on " + address_.redacted() + ": " + reply.str);
    }
    return Status::ok();
  };
  if (!address_.password.empty()) {
    RedisCommand auth = address_.username.empty() ? RedisCommand{"AUTH", address_.password}
                                                  : RedisCommand{"AUTH", address_.username, address_.password};
    if (Status s = setup(auth, "authenticating"); !s) return s;
  }
  if (address_.db != 0)
    if (Status s = setup({"SELECT", std::to_string(address_.db)}, "selecting database " + std::to_string(address_.db)); !s)
      return s;
  return Status::ok();
}

Result<RedisReply> RedisClient::command(const RedisCommand& argv) {
  auto replies = pipeline({argv});
  if (!replies) return replies.status();
  RedisReply& reply = replies->front();
  if (reply.is_error()) return redis_error_status(reply, "running " + argv.front() + " on " + address_.redacted());
  return std::move(reply);
}

Result<std::vector<RedisReply>> RedisClient::pipeline(const std::vector<RedisCommand>& commands) {
  if (unread_ > 0) close();  // a caller stopped reading after send(): start afresh
  if (Status s = send(commands); !s) return s;
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (const auto& argv : commands) {
    auto reply = receive();
    if (!reply) return reply.status().with_context("running " + argv.front());
    replies.push_back(std::move(*reply));
  }
  return replies;
}

Status RedisClient::send(const std::vector<RedisCommand>& commands) {
  if (Status s = ensure_connected(); !s) return s;
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& argv : commands)
    if (!append(context_, argv, ptrs, lens)) return connection_error("queueing " + argv.front());
  unread_ += commands.size();
  SigpipeGuard guard;
  for (int done = 0; !done;)
    if (redisBufferWrite(context_, &done) != REDIS_OK) return connection_error("sending commands");
  return Status::ok();
}

Result<RedisReply> RedisClient::receive() {
  // send() has flushed the output buffer, so this only reads: no SIGPIPE to guard against.
  if (!context_ || context_->err) return connection_error("reading a reply");
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK) return connection_error("reading a reply");
  if (unread_ > 0) --unread_;
  RedisReply reply = convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

Result<RedisReply> RedisClient::read_reply(std::chrono::milliseconds timeout) {
  // Reconnecting here would silently drop the subscriptions the caller waits on.
  if (!context_ || context_->err) return connection_error("waiting for a message");
  if (redisSetTimeout(context_, to_timeval(timeout)) != REDIS_OK) return connection_error("setting the socket timeout");
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK) return connection_error("waiting for a message");
  RedisReply reply = convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  if (redisSetTimeout(context_, to_timeval(options_.io_timeout)) != REDIS_OK)
    return connection_error("setting the socket timeout");
  return reply;
}

}  // namespace c4
