// SnapshotHolder<T>: the one current immutable snapshot of something the API serves from
// memory (the access tokens, the routing tables), replaced whole when a new revision is loaded.
//
// Readers call get() and keep the shared_ptr for as long as they use the snapshot: a swap never
// frees a snapshot a reader still holds, and a reader never sees a half-built one (the writer
// builds the new snapshot completely before store()). Readers take no mutex.
//
// Thread-safety: every member is safe to call from any thread at any time.
#pragma once

#include <atomic>
#include <memory>

namespace c4::api {

template <typename T>
class SnapshotHolder {
 public:
  // The current snapshot, or nullptr before the first store().
  std::shared_ptr<const T> get() const { return current_.load(std::memory_order_acquire); }

  // Makes `next` the current snapshot. REQUIRES: next != nullptr (a holder, once loaded, never
  // goes back to empty: a failed reload keeps the last good snapshot instead).
  void store(std::shared_ptr<const T> next) { current_.store(std::move(next), std::memory_order_release); }

  bool loaded() const { return get() != nullptr; }

 private:
  std::atomic<std::shared_ptr<const T>> current_;
};

}  // namespace c4::api
