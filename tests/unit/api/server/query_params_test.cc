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

namespace c4::api {

TEST_CASE("clean utf8 accepts text PostgreSQL can store and refuses the rest") {
  CHECK(is_clean_utf8("acme-paris"));
  CHECK(is_clean_utf8("Télécom ☎ 𝄞"));
  CHECK(is_clean_utf8(""));
  CHECK_FALSE(is_clean_utf8(std::string("a\0b", 3)));
  CHECK_FALSE(is_clean_utf8("\xff"));
  CHECK_FALSE(is_clean_utf8("\xc3"));          // cut short
  CHECK_FALSE(is_clean_utf8("\xc0\xaf"));      // overlong '/'
  CHECK_FALSE(is_clean_utf8("\xed\xa0\x80"));  // a surrogate
  CHECK_FALSE(is_clean_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST_CASE("a request path is percent decoded with plus kept as typed") {
  CHECK(percent_decode_path("/1.0/carriers/by-name/acme/a%2Fb+c") == "/1.0/carriers/by-name/acme/a/b+c");
  CHECK(percent_decode_path("/x/%ff") == "/x/\xff");
  CHECK(percent_decode_path("/x/%zz%4") == "/x/%zz%4");
}

}  // namespace c4::api
