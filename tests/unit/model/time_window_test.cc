// model/time_window: the pieces of a routing rule's time windows.
#include "model/time_window.h"

#include <doctest/doctest.h>

namespace c4 {
namespace {

CivilDate date(int y, unsigned m, unsigned d) { return CivilDate{y, m, d}; }

TEST_CASE("parse_hhmm gives minutes after midnight") {
  CHECK(parse_hhmm("00:00") == 0);
  CHECK(parse_hhmm("08:30") == 510);
  CHECK(parse_hhmm("19:00") == 1140);
  CHECK(parse_hhmm("23:59") == 1439);
}

TEST_CASE("parse_hhmm rejects out of range and malformed times") {
  CHECK_FALSE(parse_hhmm("24:00").has_value());
  CHECK_FALSE(parse_hhmm("12:60").has_value());
  CHECK_FALSE(parse_hhmm("8:30").has_value());
  CHECK_FALSE(parse_hhmm("08:3").has_value());
  CHECK_FALSE(parse_hhmm("08-30").has_value());
  CHECK_FALSE(parse_hhmm("0830").has_value());
  CHECK_FALSE(parse_hhmm("ab:cd").has_value());
  CHECK_FALSE(parse_hhmm("").has_value());
  CHECK_FALSE(parse_hhmm("08:30:00").has_value());
}

TEST_CASE("parse_date reads real calendar dates") {
  auto d = parse_date("2026-12-24");
  REQUIRE(d.has_value());
  CHECK(d->year == 2026);
  CHECK(d->month == 12u);
  CHECK(d->day == 24u);
  CHECK(d->to_string() == "2026-12-24");
  CHECK(parse_date("2026-01-31").has_value());
  CHECK(parse_date("2026-04-30").has_value());
}

TEST_CASE("parse_date knows leap years") {
  CHECK(parse_date("2024-02-29").has_value());
  CHECK(parse_date("2000-02-29").has_value());  // divisible by 400
  CHECK_FALSE(parse_date("2023-02-29").has_value());
  CHECK_FALSE(parse_date("2100-02-29").has_value());  // divisible by 100, not 400
  CHECK_FALSE(parse_date("2024-02-30").has_value());
}

TEST_CASE("parse_date rejects impossible days months and forms") {
  CHECK_FALSE(parse_date("2026-02-30").has_value());
  CHECK_FALSE(parse_date("2026-04-31").has_value());
  CHECK_FALSE(parse_date("2026-13-01").has_value());
  CHECK_FALSE(parse_date("2026-00-10").has_value());
  CHECK_FALSE(parse_date("2026-01-00").has_value());
  CHECK_FALSE(parse_date("2026-1-01").has_value());
  CHECK_FALSE(parse_date("2026/01/01").has_value());
  CHECK_FALSE(parse_date("26-01-2026").has_value());
  CHECK_FALSE(parse_date("").has_value());
}

TEST_CASE("civil dates compare in calendar order") {
  CHECK(date(2026, 1, 31) < date(2026, 2, 1));
  CHECK(date(2025, 12, 31) < date(2026, 1, 1));
  CHECK(date(2026, 3, 5).to_string() == "2026-03-05");
}

TEST_CASE("parse_weekday maps mon to sun onto 0 to 6") {
  CHECK(parse_weekday("mon") == 0);
  CHECK(parse_weekday("wed") == 2);
  CHECK(parse_weekday("sun") == 6);
  CHECK_FALSE(parse_weekday("Mon").has_value());
  CHECK_FALSE(parse_weekday("monday").has_value());
}

TEST_CASE("weekday_of known dates") {
  CHECK(weekday_of(date(2024, 1, 1)) == 0);    // Monday
  CHECK(weekday_of(date(2026, 12, 24)) == 3);  // Thursday
  CHECK(weekday_of(date(2000, 2, 29)) == 1);   // Tuesday
  CHECK(weekday_of(date(1970, 1, 1)) == 3);    // Thursday
  CHECK(weekday_of(date(2026, 3, 1)) == 6);    // Sunday
}

TEST_CASE("window_can_open accepts ordinary and wrapping windows") {
  TimeWindow w;
  w.start_minute = 8 * 60;
  w.end_minute = 19 * 60;
  std::string why = "untouched";
  CHECK(window_can_open(w, &why));
  w.start_minute = 22 * 60;
  w.end_minute = 6 * 60;  // wraps past midnight
  CHECK(window_can_open(w, &why));
  CHECK(window_can_open(w, nullptr));
}

TEST_CASE("window with start equal to end never opens") {
  TimeWindow w;
  w.start_minute = w.end_minute = 9 * 60;
  std::string why;
  CHECK_FALSE(window_can_open(w, &why));
  CHECK(why == "start and end are both 09:00");
  CHECK_FALSE(window_can_open(w, nullptr));
}

TEST_CASE("window with no day selected never opens") {
  TimeWindow w;
  w.start_minute = 60;
  w.end_minute = 120;
  w.days = 0;
  std::string why;
  CHECK_FALSE(window_can_open(w, &why));
  CHECK(why == "no day is selected, so the window never opens");
}

TEST_CASE("window whose until is before from never opens") {
  TimeWindow w;
  w.start_minute = 60;
  w.end_minute = 120;
  w.from = date(2026, 12, 24);
  w.until = date(2026, 12, 1);
  std::string why;
  CHECK_FALSE(window_can_open(w, &why));
  CHECK(why == "until 2026-12-01 is before from 2026-12-24");
}

TEST_CASE("window whose dates hold none of its days never opens") {
  TimeWindow w;
  w.start_minute = 60;
  w.end_minute = 120;
  w.days = 1u << 0;  // Mondays only
  w.from = date(2026, 12, 24);  // Thursday
  w.until = date(2026, 12, 27);  // Sunday
  std::string why;
  CHECK_FALSE(window_can_open(w, &why));
  CHECK(why == "none of the selected days falls between 2026-12-24 and 2026-12-27");
  w.until = date(2026, 12, 28);  // now includes a Monday
  CHECK(window_can_open(w, &why));
}

TEST_CASE("window over a single date opens only on that weekday") {
  TimeWindow w;
  w.start_minute = 60;
  w.end_minute = 120;
  w.from = w.until = date(2026, 12, 24);  // Thursday
  w.days = 1u << 3;
  CHECK(window_can_open(w, nullptr));
  w.days = 1u << 4;
  std::string why;
  CHECK_FALSE(window_can_open(w, &why));
  CHECK(why == "none of the selected days falls between 2026-12-24 and 2026-12-24");
}

TEST_CASE("window with only one date bound can open") {
  TimeWindow w;
  w.start_minute = 60;
  w.end_minute = 120;
  w.days = 1u << 6;
  w.from = date(2026, 12, 24);
  CHECK(window_can_open(w, nullptr));
  w.from.reset();
  w.until = date(2026, 12, 24);
  CHECK(window_can_open(w, nullptr));
}

TEST_CASE("is_known_timezone knows UTC and IANA zone names") {
  CHECK(is_known_timezone("UTC"));
  CHECK(is_known_timezone("Europe/Paris"));
  CHECK(is_known_timezone("America/New_York"));
}

TEST_CASE("is_known_timezone rejects unknown names directories and paths") {
  CHECK_FALSE(is_known_timezone(""));
  CHECK_FALSE(is_known_timezone("Mars/Olympus_Mons"));
  CHECK_FALSE(is_known_timezone("Europe"));  // a directory of the database
  CHECK_FALSE(is_known_timezone("/etc/passwd"));
  CHECK_FALSE(is_known_timezone("../../../etc/passwd"));
  CHECK_FALSE(is_known_timezone("Europe/../../../etc/passwd"));
}

TEST_CASE("is_known_timezone rejects the database index files") {
  // /usr/share/zoneinfo also holds zone.tab, iso3166.tab and tzdata.zi: files, not time zones.
  CHECK_FALSE(is_known_timezone("zone.tab"));
  CHECK_FALSE(is_known_timezone("zone1970.tab"));
  CHECK_FALSE(is_known_timezone("iso3166.tab"));
  CHECK_FALSE(is_known_timezone("tzdata.zi"));
}

}  // namespace
}  // namespace c4
