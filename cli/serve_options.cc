#include "cli/serve_options.h"

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <pthread.h>

#include "cli/cdr_spool_options.h"
#include "cli/secret_options.h"
#include "common/log.h"

namespace c4::cli {
namespace {

Result<int64_t> positive(const ParsedOptions& options, const std::string& flag, int64_t max) {
  std::string text = options.get(flag);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 1 || v > max)
    return Status::invalid("--" + flag + " \"" + text + "\": expected a whole number from 1 to " + std::to_string(max));
  return v;
}

// Every --cors-origin (the environment twin: a comma-separated list), each checked.
Result<std::vector<std::string>> read_cors_origins(const ParsedOptions& options) {
  std::vector<std::string> out;
  for (const auto& value : options.all("cors-origin")) {
    for (size_t start = 0; start <= value.size();) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string item = value.substr(start, comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(0, 1);
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) {
        auto origin = api::parse_cors_origin(item);
        if (!origin) return origin.status().with_context("--cors-origin");
        out.push_back(*origin);
      }
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace

std::vector<OptionSpec> serve_options() {
  std::vector<OptionSpec> options = {
      {"listen", "HOST:PORT", "address and port of the HTTP API ([::1]:9600 for IPv6).", "127.0.0.1:9600"},
      {"workers", "N", "threads for the API requests that may block (PostgreSQL reads, CDR ingest): how many are "
                       "served at once (0: the default, max(32, 2 x cores)).", "0"},
      {"io-threads", "N", "HTTP event-loop threads; they hold the connections and answer the Kamailio routing, "
                          "auth and uacreg requests (0: one per core).", "0"},
      {"database-url", "URL", "PostgreSQL URL (postgresql://user@host:port/db).", ""},
      {"redis-url", "URL", "Redis URL whose channel c4:revisions announces new revisions (empty: PostgreSQL poll only).", ""},
      {"admin-token-file", "PATH", "file holding the admin bearer token (sees every tenant); else C4CONFD_ADMIN_TOKEN.", ""},
      {"kamailio-token-file", "PATH", "file holding the token Kamailio may send from outside the trusted networks; "
                                      "else C4CONFD_KAMAILIO_TOKEN.", ""},
      {"trusted-networks", "CIDRS", "comma-separated networks whose peers may call /1.0/kamailio/* without a token.",
       "127.0.0.0/8,::1/128"},
      {"repo-url", "URL", "the configuration Git repository, named in the 405 answer to writes.", ""},
      {"wazo-auth-url", "URL", "wazo-auth (http(s)://host:port) that checks X-Auth-Token tokens of Wazo clients "
                               "(empty: X-Auth-Token is refused).", ""},
      {"cors-origin", "ORIGIN", "a browser origin (https://host[:port]) allowed to read the API cross-origin; repeat "
                                "the flag (env: comma-separated). None by default.", "", false, "", true},
      {"max-body-bytes", "N", "largest request body accepted; larger: 413.", "1048576"},
      {"poll-interval", "SECONDS", "how often PostgreSQL is polled for a new revision (the fallback to Redis).", "5"},
      {"log-level", "LEVEL", "debug (also logs every Kamailio request), info, warn or error.", "info"},
  };
  for (auto& o : cdr_spool_options()) options.push_back(std::move(o));
  for (auto& o : secret_options()) options.push_back(std::move(o));
  return options;
}

Result<api::CallHandlingOptions> read_call_options(const ParsedOptions& options, const std::string& database_url) {
  auto secrets = read_secret_policy(options, SecretPolicy::Dirs::must_exist);
  if (!secrets) return secrets.status();
  auto spool = open_cdr_spool(options);
  if (!spool) return spool.status();
  api::CallHandlingOptions o = api::call_handling_options(database_url);
  o.secrets = std::move(secrets.value());
  o.cdr_writer.spool = std::move(spool.value());
  log_event(LogLevel::info, "secrets.policy",
            {{"env_prefix", o.secrets.env_prefix()}, {"dirs", o.secrets.describe()}});
  return o;
}

Result<api::ApiServiceOptions> read_serve_options(const ParsedOptions& options) {
  api::ApiServiceOptions o;
  auto listen = parse_listen_option(options, "listen");
  if (!listen) return listen.status();
  o.server.host = listen->host;
  o.server.port = listen->port;

  if (options.get("workers") != "0") {
    auto workers = positive(options, "workers", 4096);
    if (!workers) return workers.status();
    o.server.workers = static_cast<unsigned>(*workers);
  }
  if (options.get("io-threads") != "0") {
    auto io_threads = positive(options, "io-threads", 1024);
    if (!io_threads) return io_threads.status();
    o.server.io_threads = static_cast<unsigned>(*io_threads);
  }
  auto body = positive(options, "max-body-bytes", int64_t{1} << 34);
  if (!body) return body.status();
  o.server.max_body_bytes = static_cast<size_t>(*body);

  std::string poll = options.get("poll-interval");
  char* poll_end = nullptr;
  double seconds = std::strtod(poll.c_str(), &poll_end);
  if (poll.empty() || *poll_end != '\0' || !(seconds >= 0.05 && seconds <= 86400))
    return Status::invalid("--poll-interval \"" + poll + "\": expected seconds from 0.05 to 86400");
  o.poll_interval = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));

  o.database_url = options.get("database-url");
  if (o.database_url.empty()) return Status::invalid("--database-url (or C4CONFD_DATABASE_URL) is required");
  o.redis_url = options.get("redis-url");
  auto admin = read_secret_option(options, "admin-token-file", "C4CONFD_ADMIN_TOKEN");
  if (!admin) return admin.status();
  o.admin_token = *admin;
  auto kamailio = read_secret_option(options, "kamailio-token-file", "C4CONFD_KAMAILIO_TOKEN");
  if (!kamailio) return kamailio.status();
  o.kamailio_token = *kamailio;
  auto networks = api::parse_network_list(options.get("trusted-networks"));
  if (!networks) return networks.status().with_context("--trusted-networks");
  o.trusted_networks = *networks;
  o.repo_url = options.get("repo-url");
  o.wazo_auth.url = options.get("wazo-auth-url");
  if (!o.wazo_auth.url.empty())
    if (auto checked = api::WazoAuth::create(o.wazo_auth); !checked) return checked.status().with_context("--wazo-auth-url");
  auto origins = read_cors_origins(options);
  if (!origins) return origins.status();
  o.server.cors = api::CorsPolicy(std::move(origins.value()));

  LogLevel level;
  if (!parse_log_level(options.get("log-level"), level))
    return Status::invalid("--log-level \"" + options.get("log-level") + "\": expected debug, info, warn or error");
  set_min_log_level(level);
  return o;
}

namespace {

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void block_shutdown_signals() {
  sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::string_view wait_for_shutdown_signal() {
  sigset_t set = shutdown_signals();
  int signal = 0;
  sigwait(&set, &signal);
  return signal == SIGTERM ? "SIGTERM" : "SIGINT";
}

int run_until_signal(api::ApiService& service) {
  if (auto s = service.start(); !s) {
    std::cerr << "c4confd: " << s.message() << "\n";
    return 1;
  }
  log_event(LogLevel::info, "shutdown", {{"signal", wait_for_shutdown_signal()}});
  service.stop();
  return 0;
}

std::optional<StartedApi> start_api(std::string_view command, api::ApiServiceOptions options,
                                    api::CallHandlingOptions call_options) {
  auto service = api::ApiService::create(std::move(options));
  if (!service) {
    std::cerr << "c4confd " << command << ": " << service.status().message() << "\n";
    return std::nullopt;
  }
  auto calls = api::CallHandling::mount(**service, std::move(call_options));
  if (!calls) {
    std::cerr << "c4confd " << command << ": " << calls.status().message() << "\n";
    return std::nullopt;
  }
  return StartedApi{std::move(service.value()), std::move(calls.value())};
}

}  // namespace c4::cli
