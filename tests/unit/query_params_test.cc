// Query strings and the shared paging and label parameters.
#include <doctest/doctest.h>

#include "api/server/query_params.h"

namespace c4::api {

TEST_CASE("query strings split on the first equals sign and are percent decoded") {
  auto q = parse_query_string("/1.0/dids?label=team=noc&label=region%3Deu&name=a+b%2Fc&flag&&tenant=");
  CHECK(q.count("label") == 2);
  auto [first, last] = q.equal_range("label");
  CHECK(first->second == "team=noc");
  CHECK(std::next(first)->second == "region=eu");
  CHECK(q.find("name")->second == "a b/c");
  CHECK(q.find("flag")->second == "");
  CHECK(q.find("tenant")->second == "");
  CHECK(parse_query_string("/1.0/dids").empty());
  CHECK(parse_query_string("/x?bad=%zz%4").find("bad")->second == "%zz%4");
}

}  // namespace c4::api
