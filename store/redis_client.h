// A small blocking Redis client over hiredis 0.14 (RESP2): connect from a redis:// URL, run a
// command, or pipeline a batch of commands in one round trip.
//
// Commands are argv vectors, so keys and values are binary-safe (no format strings). Failures
// to reach or talk to the server are Status::unavailable with the address (never the password)
// and the command name in the message; the caller retries later. After such a failure the
// connection is closed and the next call reconnects (AUTH and SELECT again).
//
// Thread-safety: NOT thread-safe. A RedisClient must be used by one thread at a time; use one
// client per thread. A client that has sent SUBSCRIBE only reads pushed messages (read_reply())
// until it is destroyed: pub/sub needs a dedicated connection in RESP2.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct redisContext;

namespace c4 {

// Where a Redis server is and how to log in to it.
struct RedisAddress {
  std::string host;      // a name, an IPv4 address, or an IPv6 address without brackets
  int port = 6379;
  std::string username;  // Redis 6 ACL user; empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECTed after connecting when not 0

  // "redis://host:port/db", with ":***@" when there is a password: safe for logs and messages.
  std::string redacted() const;
};

// Parses redis://[[username]:password@]host[:port][/db]. The user and password may be
// percent-encoded; an IPv6 host is written in brackets ("redis://[::1]:6379"). Returns invalid
// for another scheme (rediss:// and unix sockets are not supported), an empty host, a port
// outside 1..65535, a db that is not a decimal number below 2^31, or anything after the db.
Result<RedisAddress> parse_redis_url(std::string_view url);

// One reply, copied out of hiredis so it owns its data.
struct RedisReply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  long long integer = 0;            // integer replies
  std::string str;                  // status, error and string replies
  std::vector<RedisReply> elements; // array replies

  bool is_error() const { return type == Type::error; }
};

// A command and its arguments, e.g. {"HSET", "c4:src:192.0.2.10", "name", "pbx1"}.
using RedisCommand = std::vector<std::string>;

class RedisClient {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{2000};
    // Bound on every read and write of the socket (a slow server fails as unavailable).
    std::chrono::milliseconds io_timeout{10000};
  };

  // Connects, authenticates and selects the database. Errors: invalid for a bad URL,
  // unavailable when the server cannot be reached or refuses AUTH/SELECT.
  static Result<std::unique_ptr<RedisClient>> connect(std::string_view url, Options options);
  static Result<std::unique_ptr<RedisClient>> connect(std::string_view url) { return connect(url, Options{}); }
  static Result<std::unique_ptr<RedisClient>> connect(const RedisAddress& address, Options options);

  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command and returns its reply. An error reply (e.g. "WRONGTYPE ...") is returned
  // as a Status: unavailable for the ones a retry may fix (LOADING, BUSY, READONLY, MASTERDOWN,
  // TRYAGAIN, CLUSTERDOWN, NOAUTH, WRONGPASS, NOPERM), internal for the others (a bug of ours).
  // REQUIRES: !argv.empty().
  Result<RedisReply> command(const RedisCommand& argv);

  // Sends every command in one write and reads every reply, in order: one round trip.
  // Error replies are values here (a pipeline may expect some); only losing the connection
  // fails the whole call. REQUIRES: no command is empty.
  Result<std::vector<RedisReply>> pipeline(const std::vector<RedisCommand>& commands);

  // pipeline() in two halves, to overlap work with the server: send() queues and writes the
  // commands (more may be sent before the replies of earlier ones are read), receive() reads
  // the next reply in order. Errors as for pipeline(). command() and pipeline() called while
  // replies are still unread drop the connection first and reconnect, so they never read a
  // reply meant for someone else.
  Status send(const std::vector<RedisCommand>& commands);
  Result<RedisReply> receive();
  // Replies sent for and not received yet.
  size_t unread_replies() const { return unread_; }

  // Closes the connection; the next call reconnects.
  void disconnect() { close(); }

  // Waits up to `timeout` for the next reply the server pushes (a pub/sub message after
  // SUBSCRIBE). A timeout is unavailable and closes the connection.
  Result<RedisReply> read_reply(std::chrono::milliseconds timeout);

  const RedisAddress& address() const { return address_; }

 private:
  RedisClient(RedisAddress address, Options options);
  Status ensure_connected();
  Status connection_error(const std::string& doing);  // closes the connection
  void close();

  RedisAddress address_;
  Options options_;
  redisContext* context_ = nullptr;
  size_t unread_ = 0;
};

// The Status an error reply stands for (see RedisClient::command), with `context` prepended.
Status redis_error_status(const RedisReply& reply, const std::string& context);

}  // namespace c4
