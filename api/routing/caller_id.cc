// Step 1 of routing: who is calling (identify_caller, declared in engine.h).
#include <algorithm>
#include <cctype>

#include "api/routing/engine.h"
#include "api/routing/snapshot_data.h"
#include "common/sha.h"

namespace c4::routing {
namespace {

std::string display(const Meta& m) { return m.tenant + "/" + m.name; }

bool ascii_iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

struct Candidate {
  uint32_t index;
  int specificity;  // prefix length of the allowed source; -1 anySource; -2 legacy wildcard
  const char* via_word;  // how it matched: "source 192.0.2.32/29", "anySource", …
  std::string via() const { return via_word; }
};

// Who may be calling, in order: owners of the allowed sources that contain the address (most
// specific first), then the explicit wildcards (anySource), then the source-less ones: named
// by username only (`by_name`), or, for CallerMatching::legacy, anyone. Calls
// `visit(const Candidate&)` for each until it returns false (no list is built: this runs for
// every call).
template <class ByName, class Visit>
void each_candidate(const SourceTable& table, const std::vector<uint32_t>& any, const std::vector<uint32_t>& none,
                    const std::optional<IpNetwork>& address, CallerMatching matching, ByName&& by_name,
                    Visit&& visit) {
  if (address)
    for (const auto& hit : table.lookup(*address))
      if (!visit(Candidate{hit.owner, hit.network.prefix_len, hit.label->c_str()})) return;
  for (uint32_t i : any)
    if (!visit(Candidate{i, -1, "anySource"})) return;
  for (uint32_t i : none) {
    if (by_name(i)) {
      if (!visit(Candidate{i, -1, "username"})) return;
    } else if (matching == CallerMatching::legacy) {
      if (!visit(Candidate{i, -2, "no allowed source (legacy wildcard)"})) return;
    }
  }
}

bool verify_password(const IpbxEntry& x, const std::string& username, const std::string& password) {
  if (!x.ha1.empty()) return md5_hex(username + ":" + x.digest_realm + ":" + password) == x.ha1;
  if (x.password) return *x.password == password;
  return false;
}

// Whether IPBX `x`, reached through `c`, accepts `request`. `score` says how well it fits (a
// matching username and domain beat a bare address match); `why` says why not.
bool ipbx_accepts(const SnapshotData& d, const IpbxEntry& x, const Candidate& c, const CallRequest& request,
                  CallerMatching matching, int& score, std::string& why) {
  const IPBX& ipbx = *x.src;
  const std::string_view domain = x.domain != kNone ? std::string_view(d.domains[x.domain].src->domain) : "";
  const bool by_address = c.specificity >= 0;
  score = 0;
  if (!ipbx.username.empty()) {
    if (!request.username.empty() && request.username != ipbx.username) {
      why = "username \"" + request.username + "\" is not the IPBX's";
      return false;
    }
    // An empty username is never a wildcard: without an address match the caller must name itself.
    if (request.username.empty() && !by_address) {
      why = "no username given, and the IPBX is not recognised by address";
      return false;
    }
    if (!request.username.empty()) score += 2;
  } else if (matching == CallerMatching::legacy && !ipbx.password.empty()) {
    why = "the IPBX has a password but no username";
    return false;
  }
  if (!request.domain.empty() && !domain.empty()) {
    if (ascii_iequal(request.domain, domain)) {
      score += 1;
    } else if (!by_address || matching == CallerMatching::legacy) {
      why = "From domain \"" + request.domain + "\" is not the IPBX's domain " + std::string(domain);
      return false;
    }
  }
  if (request.password &&
      !verify_password(x, request.username.empty() ? ipbx.username : request.username, *request.password)) {
    why = x.ha1.empty() && !x.password ? "a password was given but the IPBX has no secret to check it against"
                                       : "the password does not verify";
    return false;
  }
  return true;
}

}  // namespace

Caller identify_caller(const Snapshot& snapshot, const CallRequest& request, CallerMatching matching,
                       std::vector<Skipped>* skipped) {
  const SnapshotData& d = snapshot.data();
  std::optional<IpNetwork> address = parse_ip_address(request.source_ip);
  Caller best;
  int best_score = -1, best_specificity = -3;
  auto has_username = [&](uint32_t i) { return !d.ipbxs[i].src->username.empty(); };
  const char* best_via = nullptr;
  each_candidate(d.ipbx_sources, d.any_source_ipbxs, d.no_source_ipbxs, address, matching, has_username,
                 [&](const Candidate& c) {
    const IpbxEntry& x = d.ipbxs[c.index];
    int score = 0;
    std::string why;
    if (!ipbx_accepts(d, x, c, request, matching, score, why)) {
      if (skipped) skipped->push_back({"ipbx", display(x.src->meta), why + " (" + c.via() + ")", x.tenant});
      return true;
    }
    bool better = score > best_score || (score == best_score && c.specificity > best_specificity);
    if (better && best.kind != Caller::Kind::none && skipped)
      skipped->push_back({"ipbx", display(d.ipbxs[best.index].src->meta), "another IPBX fits the caller better",
                          d.ipbxs[best.index].tenant});
    if (!better) {
      if (skipped) skipped->push_back({"ipbx", display(x.src->meta), "another IPBX fits the caller better", x.tenant});
      return true;
    }
    best = {Caller::Kind::ipbx, c.index, "", request.password.has_value()};
    best_via = c.via_word;
    best_score = score;
    best_specificity = c.specificity;
    return true;
  });
  if (best.kind != Caller::Kind::none) {
    best.matched_by = best_via;
    return best;
  }
  // The old service's order: carrier trunks only when no IPBX accepts the caller; the most
  // specific allowed source wins.
  each_candidate(d.trunk_sources, d.any_source_trunks, d.no_source_trunks, address, matching,
                 [](uint32_t) { return false; }, [&](const Candidate& c) {
                   best = {Caller::Kind::trunk, c.index, c.via(), false};
                   return false;
                 });
  return best;
}

}  // namespace c4::routing
