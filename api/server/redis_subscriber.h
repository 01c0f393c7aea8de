// Listens to one Redis pub/sub channel on a dedicated connection (RESP2 needs one for
// SUBSCRIBE) and calls a function for every message, from a thread of its own. Reconnects with
// backoff when Redis is down or the connection drops, and calls on_subscribed() after each
// (re)subscription, since messages published while disconnected are lost.
//
// Thread-safety: start() and stop() from one owning thread; the callbacks run on the
// subscriber's thread and must be thread-safe with respect to the rest of the program.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace c4::api {

class RedisSubscriber {
 public:
  struct Callbacks {
    std::function<void(const std::string& payload)> on_message;
    std::function<void()> on_subscribed;
  };

  // `url`: redis://[[user]:password@]host[:port][/db] (the db does not matter for pub/sub).
  RedisSubscriber(std::string url, std::string channel, Callbacks callbacks);
  ~RedisSubscriber();  // stop()
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  void start();
  // Returns within about 250 ms (the subscriber polls its socket with that timeout).
  void stop();

  bool subscribed() const { return subscribed_.load(); }

 private:
  void run();
  // One connection's life: connect, subscribe, read until error or stop. Returns the error.
  std::string session();

  std::string url_, channel_;
  Callbacks callbacks_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::thread thread_;
};

}  // namespace c4::api
