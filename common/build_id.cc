#include "common/build_id.h"

#include <elf.h>
#include <link.h>

#include <cstring>

#include "common/sha.h"

namespace c4 {
namespace {

// Notes are 4-byte aligned in ELF files of either class.
size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

// Scans the PT_NOTE segments of the first object dl_iterate_phdr reports (the main program).
int find_build_id(struct dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof note);
      const char* name = p + sizeof note;
      const char* desc = name + align4(note.n_namesz);
      if (desc + note.n_descsz > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        *out = to_hex(reinterpret_cast<const uint8_t*>(desc), note.n_descsz);
        return 1;
      }
      p = desc + align4(note.n_descsz);
    }
  }
  return 1;  // only the main program, which comes first
}

}  // namespace

const std::string& program_build_id() {
  static const std::string id = [] {
    std::string out;
    dl_iterate_phdr(find_build_id, &out);
    return out;
  }();
  return id;
}

}  // namespace c4
