// The DID range table's directory (api/routing/did_range_table.h) against the plain binary
// search it replaces: for random range sets of every shape and many numbers, the same index.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "api/routing/did_range_table.h"

namespace c4::routing {
namespace {

size_t binary_search_upper_bound(const std::vector<DidRangeEntry>& sorted, uint64_t value) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), value,
                             [](uint64_t v, const DidRangeEntry& r) { return v < r.from; });
  return static_cast<size_t>(it - sorted.begin());
}

uint64_t pow10(unsigned n) {
  uint64_t v = 1;
  while (n--) v *= 10;
  return v;
}

// A random number of `digits` digits, the first not 0.
uint64_t random_number(std::mt19937_64& rng, unsigned digits) {
  return std::uniform_int_distribution<uint64_t>(pow10(digits - 1), pow10(digits) - 1)(rng);
}

// Range sets of the shapes a repository has, and of the shapes it should not have but the
// table must still answer for: blocks of one country, several lengths, overlapping and nested
// ranges, shared first numbers, ranges across powers of two and ten, extreme values.
std::vector<DidRangeEntry> random_ranges(std::mt19937_64& rng, int shape) {
  std::vector<DidRangeEntry> out;
  auto count = std::uniform_int_distribution<int>(1, 400)(rng);
  auto add = [&](uint64_t from, uint64_t length) {
    out.push_back({from, from + length, static_cast<uint32_t>(out.size())});
  };
  std::uniform_int_distribution<uint64_t> small(0, 99), large(0, 99999);
  switch (shape % 6) {
    case 0:  // disjoint blocks of one 11-digit country, like bench/gen_repo.py
      for (uint64_t at = 33100000000 + large(rng); count-- > 0; at += 1 + small(rng) + large(rng) % 50) {
        uint64_t length = small(rng);
        add(at, length);
        at += length;
      }
      break;
    case 1:  // every length from 2 to 15 digits
      while (count-- > 0) {
        uint64_t from = random_number(rng, std::uniform_int_distribution<unsigned>(2, 15)(rng));
        add(from, std::min<uint64_t>(small(rng), pow10(15) - from));
      }
      break;
    case 2:  // overlapping and nested, with shared first numbers
      while (count-- > 0) {
        uint64_t from = 4420000000 + large(rng) % 500;
        add(from, large(rng) % 300);
        if (small(rng) < 20) add(from, small(rng));
      }
      break;
    case 3:  // clustered: most ranges in one narrow block, a few far away
      while (count-- > 0) {
        if (small(rng) < 90)
          add(49300000000 + small(rng) * 3, small(rng) % 3);
        else
          add(random_number(rng, 11), small(rng));
      }
      break;
    case 4:  // first numbers on and around powers of two and ten
      while (count-- > 0) {
        uint64_t edge = small(rng) % 2 ? uint64_t{1} << std::uniform_int_distribution<int>(1, 63)(rng)
                                       : pow10(std::uniform_int_distribution<unsigned>(1, 19)(rng));
        uint64_t from = edge - std::min<uint64_t>(edge, small(rng) % 3);
        add(from, std::min<uint64_t>(small(rng) % 5, UINT64_MAX - from));
      }
      break;
    default:  // anything, including 0 and the largest value
      while (count-- > 0) {
        uint64_t from = rng();
        if (small(rng) < 5) from = small(rng) % 2 ? 0 : UINT64_MAX;
        add(from, std::min<uint64_t>(small(rng), UINT64_MAX - from));
      }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

// Numbers on every edge of the ranges (first and last, one either side), random numbers
// within and beyond them, and the powers of two and ten.
std::vector<uint64_t> probe_numbers(std::mt19937_64& rng, const std::vector<DidRangeEntry>& ranges) {
  std::vector<uint64_t> out = {0, 1, 2, UINT64_MAX, UINT64_MAX - 1};
  for (const auto& r : ranges)
    for (uint64_t v : {r.from - 1, r.from, r.from + 1, r.to - 1, r.to, r.to + 1}) out.push_back(v);
  for (int e = 1; e < 64; ++e)
    for (uint64_t v : {(uint64_t{1} << e) - 1, uint64_t{1} << e, (uint64_t{1} << e) + 1}) out.push_back(v);
  for (unsigned n = 1; n < 20; ++n)
    for (uint64_t v : {pow10(n) - 1, pow10(n), pow10(n) + 1}) out.push_back(v);
  if (!ranges.empty()) {
    auto [lo, hi] = std::minmax_element(ranges.begin(), ranges.end(),
                                        [](const DidRangeEntry& a, const DidRangeEntry& b) { return a.from < b.from; });
    std::uniform_int_distribution<uint64_t> within(lo->from, hi->from + std::min<uint64_t>(1000, UINT64_MAX - hi->from));
    for (int i = 0; i < 2000; ++i) out.push_back(within(rng));
  }
  for (int i = 0; i < 500; ++i) out.push_back(random_number(rng, std::uniform_int_distribution<unsigned>(1, 19)(rng)));
  for (int i = 0; i < 200; ++i) out.push_back(rng());
  return out;
}

}  // namespace

TEST_CASE("the DID range directory finds the same range as a binary search for every number") {
  std::mt19937_64 rng(20261126);
  size_t checked = 0;
  for (int set = 0; set < 600; ++set) {
    std::vector<DidRangeEntry> input = random_ranges(rng, set);
    DidRangeTable table;
    table.assign(input);
    const auto& sorted = table.entries();
    REQUIRE(sorted.size() == input.size());
    REQUIRE(std::is_sorted(sorted.begin(), sorted.end(),
                           [](const DidRangeEntry& a, const DidRangeEntry& b) { return a.from < b.from; }));
    for (uint64_t v : probe_numbers(rng, input)) {
      const size_t expected = binary_search_upper_bound(sorted, v);
      const DidRangeEntry* last = table.last_starting_at_or_before(v);
      if (table.upper_bound(v) != expected || last != (expected == 0 ? nullptr : &sorted[expected - 1])) {
        FAIL_CHECK("set " << set << " (shape " << set % 6 << ", " << input.size() << " ranges): number " << v
                          << ": directory says " << table.upper_bound(v) << ", binary search " << expected);
        break;
      }
      ++checked;
    }
  }
  CHECK(checked > 1000000);
}

TEST_CASE("an empty DID range table has no range before any number") {
  DidRangeTable table;
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{33140000000}, UINT64_MAX}) {
    CHECK(table.upper_bound(v) == 0);
    CHECK(table.last_starting_at_or_before(v) == nullptr);
  }
  table.assign({{33140000000, 33140000099, 0}});
  table.assign({});
  CHECK(table.upper_bound(33140000050) == 0);
}

TEST_CASE("the DID range table gives the last range starting at or before a number") {
  DidRangeTable table;
  table.assign({{33140000100, 33140000199, 1}, {4420000000, 4420000009, 2}, {33140000000, 33140000049, 0}});
  CHECK(table.last_starting_at_or_before(4419999999) == nullptr);
  CHECK(table.last_starting_at_or_before(4420000000)->did == 2);
  CHECK(table.last_starting_at_or_before(4420000010)->did == 2);  // past its end: the caller checks `to`
  CHECK(table.last_starting_at_or_before(33140000049)->did == 0);
  CHECK(table.last_starting_at_or_before(33140000099)->did == 0);
  CHECK(table.last_starting_at_or_before(33140000100)->did == 1);
  CHECK(table.last_starting_at_or_before(999999999999999)->did == 1);
  CHECK(table.largest_slice() >= 1);
  CHECK(table.directory_bytes() > 0);
}

}  // namespace c4::routing
