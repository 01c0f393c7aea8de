// The server's route table: which handler answers a method and a path, with path parameters
// ("/1.0/carrier_trunks/{id}" matches "/1.0/carrier_trunks/7" with {"id": "7"}).
//
// When several patterns match a path, the most specific wins: segments are compared left to
// right and a literal segment beats a parameter, so "/1.0/cdrs/stats" beats "/1.0/cdrs/{id}".
// A path that some pattern matches, but not with this method, is a 405 (with the methods that
// would work); a path no pattern matches is a 404.
//
// A path that is exactly a pattern with no parameter ("/1.0/kamailio/routing": every request
// of the hot routes) is found by one hash lookup; anything else by a scan of every pattern.
//
// Thread-safety: add() is for start-up only; match() may then be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace c4::api {

struct RoutePattern {
  std::string method;   // "GET", "POST", …
  std::string pattern;  // "/1.0/carrier_trunks/{id}"
  std::vector<std::string> segments;  // "1.0", "carrier_trunks", "{id}"
};

struct RouteMatch {
  enum class Kind { found, method_not_allowed, not_found };
  Kind kind = Kind::not_found;
  size_t index = 0;                                // into RouteTable::routes() when found
  std::map<std::string, std::string> path_params;  // when found
  std::vector<std::string> allowed_methods;        // when method_not_allowed, sorted
};

class RouteTable {
 public:
  // Adds a route and returns its index. Returns false in `ok` for a pattern that does not start
  // with '/', has an empty or malformed "{...}" segment, or repeats a method and pattern.
  size_t add(std::string method, std::string pattern, bool& ok);

  RouteMatch match(std::string_view method, std::string_view path) const;

  const std::vector<RoutePattern>& routes() const { return routes_; }

 private:
  struct PathHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<RoutePattern> routes_;
  // pattern without parameters → (method, index) of each of its routes
  std::unordered_map<std::string, std::vector<std::pair<std::string, size_t>>, PathHash, std::equal_to<>> literal_;
};

// Splits "/a/b/c" into {"a", "b", "c"} (a trailing slash gives an empty last segment).
std::vector<std::string> split_path(std::string_view path);

}  // namespace c4::api
