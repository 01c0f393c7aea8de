// Finding numbers claimed by more than one DID entry.
//
// Exact numbers and ranges are integer intervals per number length; prefixes are digit
// strings. Intervals are swept in order, prefixes are checked against shorter prefixes and
// against every interval they intersect, so the cost is O(n log n) in the number of entries,
// never in the count of numbers a range or prefix covers. Regex claims are not compared.
#pragma once

#include "model/catalog.h"

namespace c4 {

// Reports each entry (number, range or prefix) that claims a number an earlier entry already
// claims, naming the other DID and its file:line. Works across tenants.
void check_number_claims(const Catalog& catalog, Problems& problems);

}  // namespace c4
