// c4confd ctl: the on-call engineer's client of the API's controls (docs/operations.md).
//
//   ctl status                what is live, the last attempt and its errors, drift, lag behind
//                             the branch, suspended or pinned
//   ctl revisions [ID]        the revision log, or one revision with the objects it changed
//   ctl sync                  fetch the branch now
//   ctl suspend [--reason T]  stop applying (every instance, across restarts)
//   ctl resume                apply the branch tip again (clears a pin)
//   ctl pin REV [--reason T]  apply a past commit (commit id or revision id) and hold it
//
// Tables for people, --output json for programs (the API's answer as it came). Exit status: 0
// done, 1 the API refused or failed (its error is printed), 2 no answer (the API cannot be
// reached, the token file cannot be read), 64 a usage error (cli/exit_codes.h).
#include <iostream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/ctl_tables.h"
#include "cli/exit_codes.h"

namespace c4::cli {
namespace {

constexpr int kExitOk = 0, kExitRefused = 1, kExitNoAnswer = 2;

int fail(const std::string& message, int code) {
  std::cerr << "c4confd ctl: " << message << "\n";
  return code;
}

struct Request {
  std::string method, path;
  nlohmann::json body = nlohmann::json::object();
  void (*print)(std::ostream&, const nlohmann::json&) = nullptr;
};

// The request a ctl subcommand makes, or the usage error.
Result<Request> request_for(const ParsedOptions& options) {
  const auto& args = options.positional();
  if (args.empty()) return Status::invalid("expected a subcommand: status, revisions, sync, suspend, resume or pin");
  const std::string& verb = args[0];
  auto expect_args = [&](size_t n, const char* usage) -> Status {
    if (args.size() != n) return Status::invalid(std::string("usage: c4confd ctl ") + usage);
    return Status::ok();
  };
  std::string reason = options.get("reason");
  if (verb == "status") {
    if (auto s = expect_args(1, "status"); !s) return s;
    return Request{"GET", "/1.0/status", {}, print_status};
  }
  if (verb == "revisions") {
    if (args.size() > 2) return Status::invalid("usage: c4confd ctl revisions [ID]");
    if (args.size() == 2) {
      if (args[1].empty() || args[1].find_first_not_of("0123456789") != std::string::npos || args[1].size() > 18)
        return Status::invalid("revisions: \"" + args[1] + "\" is not a revision id");
      return Request{"GET", "/1.0/revisions/" + args[1], {}, print_revision};
    }
    std::string limit = options.get("limit");
    if (limit.empty() || limit.find_first_not_of("0123456789") != std::string::npos || limit.size() > 4)
      return Status::invalid("--limit must be a number from 1 to 1000, not \"" + limit + "\"");
    return Request{"GET", "/1.0/revisions?limit=" + limit, {}, print_revisions};
  }
  if (verb == "sync") {
    if (auto s = expect_args(1, "sync"); !s) return s;
    return Request{"POST", "/1.0/reconciler/sync", nlohmann::json::object(), print_sync};
  }
  if (verb == "suspend" || verb == "resume") {
    if (auto s = expect_args(1, verb == "suspend" ? "suspend [--reason TEXT]" : "resume"); !s) return s;
    nlohmann::json body = nlohmann::json::object();
    if (verb == "suspend" && !reason.empty()) body["reason"] = reason;
    return Request{"POST", "/1.0/reconciler/" + verb, body, print_status};
  }
  if (verb == "pin") {
    if (auto s = expect_args(2, "pin REV [--reason TEXT]   (REV: a commit id or a revision id)"); !s) return s;
    nlohmann::json body = {{"revision", args[1]}};
    if (!reason.empty()) body["reason"] = reason;
    return Request{"POST", "/1.0/reconciler/pin", body, print_status};
  }
  return Status::invalid("unknown subcommand \"" + verb + "\": expected status, revisions, sync, suspend, resume or pin");
}

int run_ctl(const ParsedOptions& options) {
  std::string output = options.get("output");
  if (output != "table" && output != "json") return fail("--output \"" + output + "\": expected table or json", kExitUsage);
  auto request = request_for(options);
  if (!request) return fail(request.status().message(), kExitUsage);
  auto token = read_secret_option(options, "token-file", "C4CONFD_ADMIN_TOKEN");
  if (!token) return fail(token.status().message(), kExitNoAnswer);
  auto client = ApiClient::open(options.get("api-url"), *token);
  if (!client) return fail(client.status().message(), kExitUsage);
  auto answer = request->method == "GET" ? client->get(request->path) : client->post(request->path, request->body);
  if (!answer) return fail(answer.status().message(), kExitNoAnswer);
  if (answer->status < 200 || answer->status >= 300 || answer->body.is_null()) {
    if (output == "json" && !answer->body.is_null()) std::cout << answer->body.dump(2) << "\n";
    return fail(describe_error(*answer), kExitRefused);
  }
  if (output == "json") {
    std::cout << answer->body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    request->print(std::cout, answer->body);
  }
  return kExitOk;
}

}  // namespace

Command ctl_command() {
  std::vector<OptionSpec> options = {
      {"api-url", "URL", "the API of `c4confd all` or `serve` (sync needs `all`).", "http://127.0.0.1:9600",
       false, "C4CONFD_API_URL"},
      {"token-file", "PATH", "file holding the admin token; else the variable C4CONFD_ADMIN_TOKEN holds it.", "",
       false, "C4CONFD_ADMIN_TOKEN_FILE"},
      {"output", "FORMAT", "table (for people) or json (the API's answer).", "table", true},
      {"reason", "TEXT", "why (suspend, pin): shown in the status.", "", true},
      {"limit", "N", "revisions: how many, newest first.", "20", true},
  };
  return {{"ctl", "SUBCOMMAND [ARGS]",
           "The on-call engineer's controls, through the API with the admin token. Subcommands: status (live\n"
           "revision, last attempt and its errors, drift, lag behind the branch, suspended or pinned), revisions [ID]\n"
           "(the log, or one revision with the objects it changed), sync (fetch now), suspend [--reason TEXT]\n"
           "(stop applying, on every instance, across restarts), resume, pin REV [--reason TEXT] (apply a past\n"
           "commit of the branch, by commit id or revision id, and hold it until resume: the incident rollback).\n"
           "Exit status: 0 done, 1 the API refused or failed, 2 no answer (API unreachable, token file unreadable),\n"
           "64 a usage error. See docs/operations.md.",
           options},
          run_ctl};
}

}  // namespace c4::cli
