// Checks of single old values against what the manifest schemas accept, so the importer
// reports a value it cannot carry instead of writing a repository that fails validation.
#pragma once

#include <string>
#include <vector>

namespace c4::importer {

// A SIP user name as the schemas allow (RFC 3261 user characters and %HH escapes), non-empty.
bool is_sip_user(const std::string& s);
// A realm: any text without double quote, backslash or control character.
bool is_realm(const std::string& s);
// A normalization replacement: SIP user characters, %HH escapes and \0-\9.
bool is_replacement(const std::string& s);
// `s` is 1 to `max` digits (`min` 0 allows the empty string), the first not 0 when `nonzero`.
bool is_digits(const std::string& s, size_t min, size_t max, bool nonzero = false);
bool is_port(int64_t port);

// The addresses of an old `ip_address` column ("192.0.2.1", or several separated by ',' or
// spaces): the valid ones in `good`, the others in `bad`.
void split_addresses(const std::string& column, std::vector<std::string>& good, std::vector<std::string>& bad);

// A value for a message: at most 60 bytes, control bytes as \xHH, so a report line stays one
// line whatever the old data holds.
std::string shown(const std::string& value);

}  // namespace c4::importer
