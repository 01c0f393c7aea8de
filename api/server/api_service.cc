#include "api/server/api_service.h"

#include "api/server/config_views.h"
#include "api/server/legacy_views.h"
#include "api/server/revision_views.h"
#include "api/server/service_views.h"
#include "api/ui/ui_assets.h"
#include "common/log.h"

namespace c4::api {

std::string config_write_message(std::string_view path, const std::string& repo_url) {
  std::vector<std::string> bases;
  for (const auto& kind : config_kind_paths()) bases.push_back("/1.0/" + kind);
  for (const auto& legacy : legacy_config_paths()) bases.push_back(legacy.first);
  for (const auto& base : bases) {
    if (path == base || path.rfind(base + "/", 0) == 0) {
      std::string repo = repo_url.empty() ? "the configuration repository" : "the Git repository " + repo_url;
      return "configuration is read-only here: change the manifests in " + repo +
             " (a commit or pull request); c4confd applies each new revision";
    }
  }
  return "";
}

Result<std::unique_ptr<ApiService>> ApiService::create(ApiServiceOptions options) {
  std::unique_ptr<ApiService> s(new ApiService());
  s->options_ = std::move(options);
  const ApiServiceOptions& o = s->options_;
  s->tokens_ = std::make_shared<SnapshotHolder<AccessSnapshot>>();
  s->pool_ = std::make_shared<ConnectionPool>(o.database_url);

  WatcherOptions watch;
  watch.database_url = o.database_url;
  watch.redis_url = o.redis_url;
  watch.channel = o.redis_channel;
  watch.poll_interval = o.poll_interval;
  s->watcher_ = std::make_shared<RevisionWatcher>(watch);
  auto tokens = s->tokens_;
  s->watcher_->add_reload("access", [tokens](pqxx::connection& conn, const std::string&) -> Status {
    pqxx::read_transaction txn(conn);
    auto snapshot = load_access_snapshot(txn);
    if (!snapshot) return snapshot.status();
    tokens->store(snapshot.value());
    return Status::ok();
  });

  auto metrics = std::make_shared<Metrics>(o.version);
  std::weak_ptr<RevisionWatcher> watcher = s->watcher_;
  metrics->add_text_source([watcher] {
    auto w = watcher.lock();
    return w ? w->metrics_text() : std::string();
  });
  AccessConfig access{o.admin_token, o.kamailio_token, o.trusted_networks, nullptr};
  if (!o.wazo_auth.url.empty()) {
    auto wazo = WazoAuth::create(o.wazo_auth);
    if (!wazo) return wazo.status();
    access.wazo_auth = std::move(wazo.value());
  }
  ServerOptions server_options = o.server;
  std::string repo = o.repo_url;
  server_options.method_not_allowed_message = [repo](std::string_view path) { return config_write_message(path, repo); };
  s->server_ = std::make_unique<Server>(server_options, metrics, std::make_shared<AccessControl>(access, s->tokens_));

  mount_service_views(*s->server_, s->watcher_);
  mount_config_views(*s->server_, s->pool_);
  mount_legacy_views(*s->server_, s->pool_);
  mount_revision_views(*s->server_, s->pool_, s->watcher_);
  // The dashboard's files (docs/dashboard.md): open like /openapi.json, they hold no data; the
  // pages read the API with the token the person enters.
  s->server_->mount("GET", "/ui", Access::open, [](const ApiRequest&) { return ui_redirect_reply(); }, kInlineRoute);
  s->server_->mount("GET", "/ui/", Access::open, [](const ApiRequest& r) {
    return ui_asset_reply("", r.header ? r.header("If-None-Match") : "");
  }, kInlineRoute);
  s->server_->mount("GET", "/ui/{file}", Access::open, [](const ApiRequest& r) {
    return ui_asset_reply(r.path_params.at("file"), r.header ? r.header("If-None-Match") : "");
  }, kInlineRoute);
  return s;
}

ApiService::~ApiService() { stop(); }

Status ApiService::start() {
  watcher_->start();
  if (auto st = server_->start(); !st) {
    watcher_->stop();
    return st;
  }
  return Status::ok();
}

void ApiService::stop() {
  if (server_) server_->stop();
  if (watcher_) watcher_->stop();
}

}  // namespace c4::api
