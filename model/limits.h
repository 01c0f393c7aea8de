// The resource limits a revision must stay under, so that a manifest (untrusted input: any
// tenant may open a pull request) cannot exhaust the service's memory, time or Redis.
//
// Each limit has a default far above what real repositories reach (DESIGN.md plans for 10
// million DIDs and 1 million routing prefixes) and a flag with an environment twin
// (cli/limit_options.h). Going over a limit is a validation error at file:line, found in time
// and memory bounded by the limits themselves: nothing over a limit is read, parsed or
// expanded first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace c4 {

struct Limits {
  // Bytes of one manifest file. Checked from the file's (or blob's) size, before it is read.
  // yaml-cpp needs up to ~140 bytes of memory per byte of YAML (a one-line flow sequence of
  // one-character items is the worst case), so this also bounds a file's parsing memory.
  uint64_t max_file_bytes = 8ull << 20;
  // Bytes of every manifest file of a revision together. Checked from the sizes, before any
  // file is read; bounds the memory a revision's texts hold.
  uint64_t max_revision_bytes = 1ull << 30;
  // Nodes (scalars, sequences, mappings) of one YAML document, counted with aliases expanded,
  // as the conversion to JSON would make them.
  uint64_t max_yaml_nodes = 2'000'000;
  // Nodes that aliases (*name) add when expanded, over all documents of one file (the
  // "billion laughs" attack expands 90 aliases into 10^9 nodes).
  uint64_t max_alias_expansions = 100'000;
  // DID numbers of a revision: listed numbers plus the size of every range (prefixes and
  // regexes are one entry each: they expand nowhere).
  uint64_t max_numbers = 100'000'000;
  // Keys one Redis projection writes (c4:src:*, c4:did:*, the shared hashes).
  uint64_t max_redis_keys = 50'000'000;
};

// What a source reader does with each file of a revision, decided from the sizes alone.
struct SizeDecision {
  bool read = true;
  // When !read: the error validation reports at the file's first line (SourceText::not_read);
  // empty for the files after the one that crossed max_revision_bytes (that one says it).
  std::string refused;
  bool omitted = false;  // after the file that crossed max_revision_bytes: left out entirely
};

// One decision per entry of `sizes` (bytes of the revision's files, in load order): a file over
// max_file_bytes is refused; the file that brings the running total over max_revision_bytes is
// refused with a message that names the total, and every file after it is omitted. Files over
// max_file_bytes do not count towards the total (they are not read).
std::vector<SizeDecision> decide_reads(const std::vector<uint64_t>& sizes, const Limits& limits);

// "1,048,576"
std::string with_thousands(uint64_t n);

}  // namespace c4
