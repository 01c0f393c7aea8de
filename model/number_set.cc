#include "model/number_set.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "model/problem_rules.h"

namespace c4 {
namespace {

enum class EntryKind : uint8_t { number, range, prefix };

struct Claim {
  uint8_t length;  // digits
  uint64_t lo, hi;
  uint32_t did;    // index into catalog DIDs
  uint32_t entry;  // index inside the DID's list
  EntryKind kind;
  SourcePos pos;
};

const char* list_name(EntryKind k) {
  return k == EntryKind::number ? "numbers" : k == EntryKind::range ? "ranges" : "prefixes";
}

std::string describe(const Claim& c) {
  std::string lo = "+" + std::to_string(c.lo);
  switch (c.kind) {
    case EntryKind::number: return "number " + lo;
    case EntryKind::range: return "range " + lo + "..+" + std::to_string(c.hi);
    case EntryKind::prefix: break;
  }
  return "prefix " + lo;
}

class ClaimReporter {
 public:
  ClaimReporter(const Catalog& c, Problems& p) : dids_(c.all<DID>()), problems_(p) {}

  // `later` claims `shared`, which `earlier` already claims.
  // Each entry is reported once, for the first number it shares: a range written over a
  // thousand listed numbers is one mistake, not a thousand.
  void overlap(const Claim& later, const Claim& earlier, uint64_t shared) {
    uint64_t id = (uint64_t{later.did} << 34) | (uint64_t(later.kind) << 32) | later.entry;
    if (!reported_.insert(id).second) return;
    const DID& mine = dids_[later.did];
    const DID& theirs = dids_[earlier.did];
    Problem p;
    p.rule = rules::kNumberClaimed;
    p.file = mine.meta.file;
    p.pos = later.pos;
    p.pointer = "/spec/" + std::string(list_name(later.kind)) + "/" + std::to_string(later.entry);
    p.object = mine.meta.ref();
    std::string number = "+" + std::to_string(shared);
    // A number, or a prefix inside another prefix, is claimed whole; a range or a prefix over
    // other claims shares one number with them, which is named.
    bool whole = later.kind == EntryKind::number || (later.kind == EntryKind::prefix && earlier.kind == EntryKind::prefix);
    std::string what = whole ? describe(later) + " is" : describe(later) + " includes " + number + ",";
    p.message = what + " already claimed by " + describe(earlier) + " of " + theirs.meta.ref().display() + " at " +
                theirs.meta.file + ":" + std::to_string(earlier.pos.line);
    problems_.add(std::move(p));
  }

 private:
  const std::vector<DID>& dids_;
  Problems& problems_;
  std::unordered_set<uint64_t> reported_;
};

// Claims ordered as they were written (file order), so "already claimed" names the first.
bool written_before(const Claim& a, const Claim& b) {
  return std::tie(a.did, a.kind, a.entry) < std::tie(b.did, b.kind, b.entry);
}

}  // namespace

void check_number_claims(const Catalog& catalog, Problems& problems) {
  const auto& dids = catalog.all<DID>();
  std::vector<Claim> intervals;
  std::vector<Claim> prefixes;
  for (uint32_t d = 0; d < dids.size(); ++d) {
    const DID& did = dids[d];
    for (uint32_t i = 0; i < did.numbers.size(); ++i) {
      const auto& n = did.numbers[i];
      intervals.push_back({n.number.length, n.number.value, n.number.value, d, n.index, EntryKind::number, n.pos});
    }
    for (uint32_t i = 0; i < did.ranges.size(); ++i) {
      const auto& r = did.ranges[i];
      intervals.push_back({r.from.length, r.from.value, r.to.value, d, r.index, EntryKind::range, r.pos});
    }
    for (uint32_t i = 0; i < did.prefixes.size(); ++i) {
      const auto& p = did.prefixes[i];
      uint64_t v = std::stoull(p.digits);
      prefixes.push_back({static_cast<uint8_t>(p.digits.size()), v, v, d, p.index, EntryKind::prefix, p.pos});
    }
  }
  ClaimReporter report(catalog, problems);

  // 1. Intervals against intervals: sweep by (length, lo), remembering the claim reaching
  //    furthest. The one written later is the one reported.
  std::sort(intervals.begin(), intervals.end(), [](const Claim& a, const Claim& b) {
    return std::tie(a.length, a.lo, a.did, a.entry) < std::tie(b.length, b.lo, b.did, b.entry);
  });
  const Claim* reach = nullptr;
  for (const Claim& c : intervals) {
    if (reach && reach->length == c.length && c.lo <= reach->hi) {
      bool c_later = written_before(*reach, c);
      report.overlap(c_later ? c : *reach, c_later ? *reach : c, c.lo);
      if (c.hi > reach->hi) reach = &c;
      continue;
    }
    reach = &c;
  }

  // 2. Prefixes against prefixes: a prefix inside a shorter (or equal) one.
  std::map<std::pair<uint8_t, uint64_t>, const Claim*> by_prefix;
  std::sort(prefixes.begin(), prefixes.end(), [](const Claim& a, const Claim& b) {
    return std::tie(a.length, a.did, a.entry) < std::tie(b.length, b.did, b.entry);
  });
  for (const Claim& p : prefixes) {
    const Claim* owner = nullptr;
    for (uint8_t k = 1; k <= p.length && !owner; ++k) {
      auto it = by_prefix.find({k, p.lo / pow10_u64(p.length - k)});
      if (it != by_prefix.end()) owner = it->second;
    }
    if (owner) {
      bool p_later = written_before(*owner, p);
      report.overlap(p_later ? p : *owner, p_later ? *owner : p, p.lo);
      continue;
    }
    by_prefix[{p.length, p.lo}] = &p;
  }

  // 3. Intervals against prefixes (every prefix, shadowed ones included): truncate the
  //    interval to each prefix length and report each prefix inside the truncated interval
  //    against it, whichever of the two was written later.
  std::map<uint8_t, std::vector<const Claim*>> prefixes_by_length;
  for (const Claim& p : prefixes) prefixes_by_length[p.length].push_back(&p);
  for (auto& [_, list] : prefixes_by_length)
    std::sort(list.begin(), list.end(), [](const Claim* a, const Claim* b) { return a->lo < b->lo; });
  for (const Claim& c : intervals) {
    for (const auto& [k, list] : prefixes_by_length) {
      if (k > c.length) break;
      uint64_t scale = pow10_u64(c.length - k);
      uint64_t lo_k = c.lo / scale, hi_k = c.hi / scale;
      auto it = std::lower_bound(list.begin(), list.end(), lo_k, [](const Claim* p, uint64_t v) { return p->lo < v; });
      for (; it != list.end() && (*it)->lo <= hi_k; ++it) {
        const Claim& p = **it;
        uint64_t shared = std::max(c.lo, p.lo * scale);
        bool c_later = written_before(p, c);
        report.overlap(c_later ? c : p, c_later ? p : c, shared);
      }
    }
  }
}

}  // namespace c4
