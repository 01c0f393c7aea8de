// A guard against a yaml-cpp 0.7 defect (Debian 12's libyaml-cpp0.7): on some invalid streams
// YAML::LoadAll never returns and allocates without bound — a manifest that is just "," is one
// (yaml-cpp issue 1040; fixed upstream by pull request 1319, in no Debian 12 package). The
// parser then reports an empty document at the same token again and again without consuming it.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/mark.h>

namespace c4 {

// Where YAML::LoadAll(text) would loop forever: the token the parser stops consuming at; nullopt
// when LoadAll ends (with documents or with a YAML::Exception). Runs yaml-cpp's parser over
// `text` once without building nodes; may throw YAML::Exception as LoadAll would. Thread-safe.
std::optional<YAML::Mark> yaml_loop_point(const std::string& text);

}  // namespace c4
