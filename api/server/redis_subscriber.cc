#include "api/server/redis_subscriber.h"

#include <cerrno>
#include <memory>
#include <vector>

#include <hiredis/hiredis.h>
#include <poll.h>

#include "common/log.h"
#include "store/redis_client.h"

namespace c4::api {
namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(void* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextFree>;
using ReplyPtr = std::unique_ptr<void, ReplyFree>;

ReplyPtr command(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  return ReplyPtr(redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lengths.data()));
}

std::string context_error(redisContext* c, const std::string& doing) {
  return doing + ": " + (c && c->err ? std::string(c->errstr) : std::string("no reply"));
}

}  // namespace

RedisSubscriber::RedisSubscriber(std::string url, std::string channel, Callbacks callbacks)
    : url_(std::move(url)), channel_(std::move(channel)), callbacks_(std::move(callbacks)) {}

RedisSubscriber::~RedisSubscriber() { stop(); }

void RedisSubscriber::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void RedisSubscriber::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void RedisSubscriber::run() {
  auto backoff = std::chrono::milliseconds(250);
  std::string last_error;
  while (!stopping_) {
    std::string error = session();
    subscribed_ = false;
    if (stopping_) break;
    if (error != last_error) {  // one line per change of state, not one per retry
      log_event(LogLevel::warn, "redis.subscriber_down", {{"channel", channel_}, {"error", error}});
      last_error = error;
    }
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_; waited += std::chrono::milliseconds(50))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

std::string RedisSubscriber::session() {
  auto address = parse_redis_url(url_);
  if (!address) return address.status().message();
  ContextPtr c(redisConnectWithTimeout(address->host.c_str(), address->port, timeval{2, 0}));
  if (!c || c->err) return context_error(c.get(), "connecting to " + address->redacted());
  timeval io{2, 0};
  redisSetTimeout(c.get(), io);
  if (!address->password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!address->username.empty()) auth.push_back(address->username);
    auth.push_back(address->password);
    ReplyPtr r = command(c.get(), auth);
    if (!r) return context_error(c.get(), "AUTH");
    if (static_cast<redisReply*>(r.get())->type == REDIS_REPLY_ERROR) return "AUTH refused by " + address->redacted();
  }
  ReplyPtr r = command(c.get(), {"SUBSCRIBE", channel_});
  if (!r) return context_error(c.get(), "SUBSCRIBE " + channel_);
  subscribed_ = true;
  log_event(LogLevel::info, "redis.subscribed", {{"channel", channel_}, {"redis", address->redacted()}});
  if (callbacks_.on_subscribed) callbacks_.on_subscribed();

  while (!stopping_) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(c.get(), &raw) != REDIS_OK) return context_error(c.get(), "reading a message");
    if (raw) {
      ReplyPtr reply(raw);
      auto* m = static_cast<redisReply*>(raw);
      // ["message", channel, payload]
      if (m->type == REDIS_REPLY_ARRAY && m->elements == 3 && m->element[0]->type == REDIS_REPLY_STRING &&
          std::string(m->element[0]->str, m->element[0]->len) == "message" && callbacks_.on_message)
        callbacks_.on_message(std::string(m->element[2]->str, m->element[2]->len));
      continue;
    }
    // Nothing buffered: wait for the socket, but wake regularly to notice stop().
    pollfd p{c->fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 250);
    if (ready < 0 && errno != EINTR) return "waiting for messages: poll failed";
    if (ready <= 0) continue;
    if (redisBufferRead(c.get()) != REDIS_OK) return context_error(c.get(), "reading from " + address->redacted());
  }
  return "";
}

}  // namespace c4::api
