// common/url.h and the percent decoding of common/text.h: the one redact_url every log line and
// error uses, and the one %HH decoder of query strings, Redis URLs and SIP phone users.
#include <doctest/doctest.h>

#include "common/text.h"
#include "common/url.h"

namespace c4 {
namespace {

TEST_CASE("redact_url hides the password of the user info") {
  CHECK(redact_url("postgresql://c4:s3cret@db.example:5432/c4") == "postgresql://c4:***@db.example:5432/c4");
  CHECK(redact_url("https://bot:tok@git.example/org/repo.git") == "https://bot:***@git.example/org/repo.git");
  CHECK(redact_url("HTTPS://bot:tok@git.example/r") == "HTTPS://bot:***@git.example/r");
  CHECK(redact_url("git+ssh://me:pw@host/r") == "git+ssh://me:***@host/r");
}

TEST_CASE("redact_url hides a password that holds an unescaped slash or colon") {
  // The Git URL code of old kept such a URL whole, printing the password.
  CHECK(redact_url("https://bot:pa/ss@git.example/r") == "https://bot:***@git.example/r");
  CHECK(redact_url("postgresql://u:a:b@h/db") == "postgresql://u:***@h/db");
}

TEST_CASE("redact_url hides a password given as a query parameter") {
  CHECK(redact_url("postgresql://u@h/db?sslmode=require&password=s3cret&x=1") ==
        "postgresql://u@h/db?sslmode=require&password=***&x=1");
  CHECK(redact_url("postgresql://h/db?password=s3cret") == "postgresql://h/db?password=***");
  CHECK(redact_url("postgresql://h/db?old_password=keep") == "postgresql://h/db?old_password=keep");
}

TEST_CASE("redact_url leaves URLs without a password as they are") {
  for (const char* url : {"postgresql://c4@db/c4", "https://git.example/r.git", "git@github.com:o/r.git",
                          "/srv/repo", "file:///srv/repo", "", "://x:y@z", "not a url"})
    CHECK(redact_url(url) == url);
}

TEST_CASE("percent_decode keeps a stray percent unless strict") {
  CHECK(*percent_decode("a%2Fb%zz%4") == "a/b%zz%4");
  CHECK(*percent_decode("%41%61%ff") == "Aa\xff");
  CHECK(!percent_decode("a%zz", {.strict = true}));
  CHECK(!percent_decode("a%4", {.strict = true}));
  CHECK(!percent_decode("%", {.strict = true}));
  CHECK(*percent_decode("p%40ss", {.strict = true}) == "p@ss");
}

TEST_CASE("percent_decode reads plus as a space only for form encoding") {
  CHECK(*percent_decode("a+b") == "a+b");
  CHECK(*percent_decode("a+b%2B", {.plus_is_space = true}) == "a b+");
}

TEST_CASE("percent_decode passes NUL CR and LF escapes through as bytes") {
  CHECK(*percent_decode("x%00y%0D%0A") == std::string("x\0y\r\n", 5));
}

TEST_CASE("percent_escape_at reads only a complete escape") {
  CHECK(percent_escape_at("%41", 0) == 'A');
  CHECK(!percent_escape_at("%4", 0));
  CHECK(!percent_escape_at("x%41", 0));
  CHECK(!percent_escape_at("%41", 1));
  CHECK(!percent_escape_at("", 0));
  CHECK(hex_digit_value('f') == 15);
  CHECK(hex_digit_value('G') == -1);
}

TEST_CASE("text_or_null is null only for the empty string") {
  CHECK(!text_or_null(""));
  CHECK(text_or_null(" ") == " ");
}

}  // namespace
}  // namespace c4
