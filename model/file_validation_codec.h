// A binary form of one file's validation result (FileValidation: its objects, problems and
// document count), so a result can be kept on disk between runs and the next run need not
// parse the file again (model/file_validation_store.h).
//
// The form is private to one build: integers are written in the host's byte order and the
// store keys entries on the build id. decode never trusts its input: every length is checked
// against the bytes left, every enum against its range, and each object's kind against the
// list it is in; anything else is a failure, never a crash or a partial result.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/validate.h"

namespace c4 {

std::string encode_file_validation(const FileValidation& result);

// nullopt when `bytes` is not exactly one encode_file_validation output.
std::optional<FileValidation> decode_file_validation(std::string_view bytes);

}  // namespace c4
