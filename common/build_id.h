// The identity of the running binary: its GNU build id (the linker's hash of the program, in
// the .note.gnu.build-id section), so data derived by this exact build (cached validation
// results) is never read by another build that might derive it differently.
#pragma once

#include <string>

namespace c4 {

// The build id of the main program as lowercase hex, or "" when it was linked without one
// (then nothing may be keyed on it). Computed once; thread-safe.
const std::string& program_build_id();

}  // namespace c4
