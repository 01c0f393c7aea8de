// A fake of the comment APIs of GitHub (issue comments) and GitLab (merge request notes),
// served on 127.0.0.1 on a port the OS picks, for the CI kit's tests (examples/ci/). It keeps
// the comments in memory, checks the token, and refuses to edit a comment of another user, as
// the real hosts do.
#pragma once

#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

namespace c4::test {

class FakeGitHost {
 public:
  struct Comment {
    int id;
    std::string author;
    std::string body;
  };
  static constexpr const char* kToken = "fake-token";
  static constexpr const char* kBot = "github-actions[bot]";
  static constexpr int kGitLabUser = 42;  // the token's user on the GitLab side

  FakeGitHost() {
    routes();
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeGitHost() {
    server_.stop();
    thread_.join();
  }
  FakeGitHost(const FakeGitHost&) = delete;
  FakeGitHost& operator=(const FakeGitHost&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // A comment someone else wrote, e.g. one that copies the marker.
  void add(const std::string& author, const std::string& body) {
    std::lock_guard lock(mutex_);
    comments_.push_back({next_id_++, author, body});
  }
  std::vector<Comment> comments() const {
    std::lock_guard lock(mutex_);
    return comments_;
  }
  int edits() const {
    std::lock_guard lock(mutex_);
    return edits_;
  }

 private:
  // GitHub lists comments with user.login, GitLab notes with author.id.
  nlohmann::json listed(size_t page, size_t per_page, bool gitlab) const {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = (page - 1) * per_page; i < comments_.size() && i < page * per_page; ++i) {
      const auto& c = comments_[i];
      nlohmann::json who = gitlab ? nlohmann::json{{"id", c.author == kBot ? kGitLabUser : 7}}
                                  : nlohmann::json{{"login", c.author}};
      out.push_back({{"id", c.id}, {"body", c.body}, {gitlab ? "author" : "user", who}});
    }
    return out;
  }
  bool authorized(const httplib::Request& req, httplib::Response& res) const {
    bool ok = req.get_header_value("Authorization") == std::string("Bearer ") + kToken ||
              req.get_header_value("PRIVATE-TOKEN") == kToken;
    if (!ok) res.status = 401;
    return ok;
  }
  void list(const httplib::Request& req, httplib::Response& res, bool gitlab) {
    if (!authorized(req, res)) return;
    std::lock_guard lock(mutex_);
    size_t page = req.has_param("page") ? std::stoul(req.get_param_value("page")) : 1;
    size_t per_page = req.has_param("per_page") ? std::stoul(req.get_param_value("per_page")) : 30;
    res.set_content(listed(page, per_page, gitlab).dump(), "application/json");
  }
  void create(const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    std::lock_guard lock(mutex_);
    comments_.push_back({next_id_++, kBot, nlohmann::json::parse(req.body).at("body").get<std::string>()});
    res.status = 201;
    res.set_content(nlohmann::json{{"id", comments_.back().id}}.dump(), "application/json");
  }
  void edit(const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    std::lock_guard lock(mutex_);
    int id = std::stoi(req.matches[1].str());
    for (auto& c : comments_) {
      if (c.id != id) continue;
      if (c.author != kBot) {
        res.status = 403;
        return;
      }
      c.body = nlohmann::json::parse(req.body).at("body").get<std::string>();
      ++edits_;
      res.set_content(nlohmann::json{{"id", id}}.dump(), "application/json");
      return;
    }
    res.status = 404;
  }
  void routes() {
    const std::string gh = "/repos/acme/manifests/issues", gl = "/api/v4/projects/5/merge_requests/3/notes";
    server_.Get(gh + "/7/comments", [this](const auto& req, auto& res) { list(req, res, false); });
    server_.Post(gh + "/7/comments", [this](const auto& req, auto& res) { create(req, res); });
    server_.Patch(gh + R"(/comments/(\d+))", [this](const auto& req, auto& res) { edit(req, res); });
    server_.Get("/api/v4/user", [this](const auto& req, auto& res) {
      if (authorized(req, res)) res.set_content(nlohmann::json{{"id", kGitLabUser}}.dump(), "application/json");
    });
    server_.Get(gl, [this](const auto& req, auto& res) { list(req, res, true); });
    server_.Post(gl, [this](const auto& req, auto& res) { create(req, res); });
    server_.Put(gl + R"(/(\d+))", [this](const auto& req, auto& res) { edit(req, res); });
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<Comment> comments_;
  int next_id_ = 100;
  int edits_ = 0;
};

}  // namespace c4::test
