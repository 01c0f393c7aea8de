// model/e164: numbers and prefixes as DIDs and routing rules write them.
#include "model/e164.h"

#include <doctest/doctest.h>

namespace c4 {
namespace {

std::string number_why_not(const std::string& text) {
  std::string why;
  CHECK_FALSE(parse_e164(text, &why).has_value());
  return why;
}

std::string prefix_why_not(const std::string& text) {
  std::string why;
  CHECK_FALSE(parse_e164_prefix(text, &why).has_value());
  return why;
}

TEST_CASE("valid e164 number keeps its digits and length") {
  auto n = parse_e164("+33140000000");
  REQUIRE(n.has_value());
  CHECK(n->value == 33140000000u);
  CHECK(n->length == 11);
}

TEST_CASE("e164 number round trips through to_string") {
  for (const char* text : {"+33140000000", "+12", "+390612345678", "+999999999999999", "+100000000000000"}) {
    auto n = parse_e164(text);
    REQUIRE(n.has_value());
    CHECK(n->to_string() == text);
    CHECK(n->length == std::string(text).size() - 1);
  }
}

TEST_CASE("e164 number with a leading zero country code is rejected") {
  CHECK(number_why_not("+0331400") == "\"+0331400\" is not an E.164 number: a country code never starts with 0");
}

TEST_CASE("e164 number without a plus is rejected") {
  CHECK(number_why_not("33140000000") ==
        "\"33140000000\" is not an E.164 number: it must start with '+' and the country code");
  CHECK(number_why_not("0140000000") ==
        "\"0140000000\" is not an E.164 number: it must start with '+' and the country code");
  CHECK(number_why_not("") == "\"\" is not an E.164 number: it must start with '+' and the country code");
}

TEST_CASE("e164 number with letters or separators is rejected") {
  CHECK(number_why_not("+33ABC") == "\"+33ABC\" is not an E.164 number: only digits may follow '+'");
  CHECK(number_why_not("+33 1 40") == "\"+33 1 40\" is not an E.164 number: only digits may follow '+'");
  CHECK(number_why_not("++33140") == "\"++33140\" is not an E.164 number: only digits may follow '+'");
}

TEST_CASE("e164 number length is 2 to 15 digits") {
  CHECK(parse_e164("+12").has_value());
  CHECK(parse_e164("+123456789012345").has_value());
  CHECK(number_why_not("+1") == "\"+1\" is not an E.164 number: it must have 2 to 15 digits");
  CHECK(number_why_not("+") == "\"+\" is not an E.164 number: it must have 2 to 15 digits");
  CHECK(number_why_not("+1234567890123456") ==
        "\"+1234567890123456\" is not an E.164 number: it must have 2 to 15 digits");
}

TEST_CASE("e164 numbers order by value within a length") {
  auto a = parse_e164("+33140000000"), b = parse_e164("+33140000001");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(*a < *b);
  CHECK(*a == *parse_e164("+33140000000"));
}

TEST_CASE("e164 prefix keeps its digits without the plus") {
  CHECK(parse_e164_prefix("+3314") == "3314");
  CHECK(parse_e164_prefix("+3") == "3");
  CHECK(parse_e164_prefix("+123456789012345") == "123456789012345");
}

TEST_CASE("e164 prefix errors name the prefix form") {
  CHECK(prefix_why_not("+") == "\"+\" is not an E.164 prefix: it must have 1 to 15 digits");
  CHECK(prefix_why_not("+1234567890123456") ==
        "\"+1234567890123456\" is not an E.164 prefix: it must have 1 to 15 digits");
  CHECK(prefix_why_not("+03") == "\"+03\" is not an E.164 prefix: a country code never starts with 0");
  CHECK(prefix_why_not("3314") == "\"3314\" is not an E.164 prefix: it must start with '+' and the country code");
  CHECK(prefix_why_not("+33x") == "\"+33x\" is not an E.164 prefix: only digits may follow '+'");
}

TEST_CASE("pow10_u64 covers the E.164 range") {
  CHECK(pow10_u64(0) == 1u);
  CHECK(pow10_u64(1) == 10u);
  CHECK(pow10_u64(15) == 1000000000000000u);
  CHECK(pow10_u64(19) == 10000000000000000000u);
}

}  // namespace
}  // namespace c4
