#include "cli/startup_migrator.h"

#include <algorithm>

#include <libpq-fe.h>

#include "store/connection_pool.h"
#include "common/log.h"
#include "common/text.h"
#include "common/url.h"
#include "store/database.h"
#include "store/migrations.h"

namespace c4::cli {

namespace {

// A URL libpq cannot even parse will never connect, however long we wait: terminal.
Status check_url_syntax(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options) {
    PQconninfoFree(options);
    return Status::ok();
  }
  std::string why = error ? trim_end(error) : "out of memory";
  if (error) PQfreemem(error);
  return Status::invalid("the database URL " + redact_url(url) + " is not valid: " + why);
}

}  // namespace

StartupMigrator::StartupMigrator(std::string database_url, std::string component, MigratorBackoff backoff)
    : database_url_(std::move(database_url)), component_(std::move(component)), backoff_(backoff) {}

StartupMigrator::~StartupMigrator() { stop(); }

Status StartupMigrator::try_once() {
  ++attempts_;
  if (Status syntax = check_url_syntax(database_url_); !syntax) return syntax;
  // A bounded connect: an unreachable host must not hold an attempt for libpq's default.
  auto conn = connect_database(with_connect_timeout(database_url_, 3));
  Status status = conn ? Status::ok() : conn.status();
  if (conn) {
    auto report = migrate(**conn);
    if (report) {
      migrated_ = true;
      log_event(LogLevel::info, "migrated", {{"applied", report->applied.size()}, {"attempt", attempts_}});
      return Status::ok();
    }
    status = report.status().with_context("migrating the database");
  }
  if (status.retryable())
    log_event(LogLevel::warn, component_ + ".database_unavailable", {{"attempt", attempts_}, {"error", status.message()}});
  return status;
}

void StartupMigrator::retry_in_background(std::function<void()> on_migrated,
                                          std::function<void(const Status&)> on_failed) {
  thread_ = std::thread([this, on_migrated = std::move(on_migrated), on_failed = std::move(on_failed)] {
    run(on_migrated, on_failed);
  });
}

void StartupMigrator::run(const std::function<void()>& on_migrated, const std::function<void(const Status&)>& on_failed) {
  auto wait = backoff_.first;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
    }
    Status status = try_once();
    if (status) {
      if (on_migrated) on_migrated();
      return;
    }
    if (!status.retryable()) {
      log_event(LogLevel::error, component_ + ".database_failed", {{"attempt", attempts_}, {"error", status.message()}});
      if (on_failed) on_failed(status);
      return;
    }
    wait = std::min(wait * 2, backoff_.max);
  }
}

void StartupMigrator::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace c4::cli
