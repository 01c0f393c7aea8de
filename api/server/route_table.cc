#include "api/server/route_table.h"

#include <algorithm>

namespace c4::api {
namespace {

bool is_param(const std::string& segment) {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}

// Negative when a is more specific than b: the first segment where one is literal and the
// other a parameter decides.
int compare_specificity(const RoutePattern& a, const RoutePattern& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    bool pa = is_param(a.segments[i]), pb = is_param(b.segments[i]);
    if (pa != pb) return pa ? 1 : -1;
  }
  return 0;
}

bool matches(const RoutePattern& route, const std::vector<std::string>& segments,
             std::map<std::string, std::string>* params) {
  if (route.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = route.segments[i];
    if (is_param(s)) {
      if (segments[i].empty()) return false;
      if (params) (*params)[s.substr(1, s.size() - 2)] = segments[i];
    } else if (s != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/') return out;
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

size_t RouteTable::add(std::string method, std::string pattern, bool& ok) {
  ok = !pattern.empty() && pattern.front() == '/';
  RoutePattern route{std::move(method), std::move(pattern), {}};
  route.segments = split_path(route.pattern);
  for (const auto& s : route.segments) {
    bool braces = s.find('{') != std::string::npos || s.find('}') != std::string::npos;
    if (braces && !is_param(s)) ok = false;
  }
  for (const auto& r : routes_)
    if (r.method == route.method && r.pattern == route.pattern) ok = false;
  if (!ok) return 0;
  bool literal = std::none_of(route.segments.begin(), route.segments.end(), is_param);
  routes_.push_back(std::move(route));
  size_t index = routes_.size() - 1;
  if (literal) literal_[routes_[index].pattern].emplace_back(routes_[index].method, index);
  return index;
}

RouteMatch RouteTable::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  // A literal pattern equal to the path is more specific than any other pattern matching it
  // (a parameter loses to a literal), so its route is the scan's answer too. HEAD, which may
  // be answered by GET, takes the scan.
  if (method != "HEAD") {
    if (auto it = literal_.find(path); it != literal_.end()) {
      for (const auto& [route_method, index] : it->second) {
        if (route_method != method) continue;
        result.kind = RouteMatch::Kind::found;
        result.index = index;
        return result;
      }
    }
  }
  auto segments = split_path(path);
  if (segments.empty()) return result;
  const RoutePattern* best = nullptr;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const RoutePattern& r = routes_[i];
    if (!matches(r, segments, nullptr)) continue;
    // HEAD is answered like GET (httplib sends the headers only).
    bool same_method = r.method == method || (method == "HEAD" && r.method == "GET");
    if (!same_method) {
      if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), r.method) ==
          result.allowed_methods.end())
        result.allowed_methods.push_back(r.method);
      continue;
    }
    if (!best || compare_specificity(r, *best) < 0) {
      best = &r;
      result.index = i;
    }
  }
  if (best) {
    result.kind = RouteMatch::Kind::found;
    result.allowed_methods.clear();
    matches(*best, segments, &result.path_params);
  } else if (!result.allowed_methods.empty()) {
    result.kind = RouteMatch::Kind::method_not_allowed;
    std::sort(result.allowed_methods.begin(), result.allowed_methods.end());
  }
  return result;
}

}  // namespace c4::api
