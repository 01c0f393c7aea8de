// The call-handling side of the API, mounted on an ApiService in one call: the routing snapshot
// (reloaded off-thread on every revision, swapped atomically), the Kamailio endpoints
// (/1.0/kamailio/routing, /auth, /dbtext/uacreg, /cdr), /1.0/routing/explain, and the CDR
// reads (/1.0/cdrs, /1.0/cdrs/stats, /1.0/cdrs.csv) with their group-commit writer.
//
//   auto service = api::ApiService::create(options).value();
//   auto calls = api::CallHandling::mount(*service, {database_url}).value();
//   service->start();  … service->stop(); calls->stop();
//
// Lifetime: the CallHandling must outlive the service's server (handlers point into it); call
// stop() after the server has stopped, so queued CDRs are written before the process exits.
#pragma once

#include <memory>
#include <string>

#include "api/cdr/connection_pool.h"
#include "api/cdr/cdr_writer.h"
#include "api/routing/capacity.h"
#include "api/routing/engine.h"
#include "api/server/api_service.h"
#include "api/server/snapshot_holder.h"
#include "common/status.h"

namespace c4::api {

struct CallHandlingOptions {
  std::string database_url;
  // How callers without a matching allowed source are treated (api/routing/engine.h): strict
  // by default; legacy reproduces the old service's wildcards for compatibility tests.
  routing::CallerMatching matching = routing::CallerMatching::strict;
  cdr::CdrWriterOptions cdr_writer;  // database_url is filled from the field above
};

// The defaults with `database_url`.
CallHandlingOptions call_handling_options(std::string database_url);

class CallHandling {
 public:
  // Registers the "routing" snapshot reload on the watcher, mounts every route listed above
  // and adds the CDR writer's metrics. Call before service.start().
  static Result<std::unique_ptr<CallHandling>> mount(ApiService& service, CallHandlingOptions options);
  ~CallHandling();

  // Writes the queued CDRs and stops the writer. Idempotent.
  void stop();

  const SnapshotHolder<routing::Snapshot>& snapshot() const { return snapshot_; }
  routing::CapacityTracker& capacity() { return capacity_; }

 private:
  CallHandling() = default;
  CallHandlingOptions options_;
  SnapshotHolder<routing::Snapshot> snapshot_;
  routing::CapacityTracker capacity_;
  std::unique_ptr<cdr::CdrWriter> writer_;
  std::unique_ptr<cdr::ConnectionPool> cdr_pool_;
};

}  // namespace c4::api
