// SnapshotHolder: readers racing a writer always see a whole snapshot, never a torn or null one.
#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "api/server/snapshot_holder.h"

namespace c4::api {
namespace {

// Every field is derived from `version`: a snapshot mixing two versions is detectable.
struct Versioned {
  explicit Versioned(uint64_t v) : version(v), doubled(2 * v), items(64, v) {}
  uint64_t version, doubled;
  std::vector<uint64_t> items;
};

}  // namespace

TEST_CASE("a holder is empty until the first store") {
  SnapshotHolder<Versioned> holder;
  CHECK_FALSE(holder.loaded());
  CHECK(holder.get() == nullptr);
  holder.store(std::make_shared<const Versioned>(1));
  REQUIRE(holder.loaded());
  CHECK(holder.get()->version == 1);
}

TEST_CASE("readers never see a torn or null snapshot while another thread swaps") {
  SnapshotHolder<Versioned> holder;
  holder.store(std::make_shared<const Versioned>(0));
  std::atomic<bool> done{false};
  std::atomic<uint64_t> reads{0}, bad{0}, went_back{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      uint64_t last = 0;
      while (!done.load()) {
        auto s = holder.get();
        if (!s || s->doubled != 2 * s->version) {
          bad++;
          continue;
        }
        for (uint64_t item : s->items)
          if (item != s->version) bad++;
        if (s->version < last) went_back++;  // one writer stores increasing versions
        last = s->version;
        reads++;
      }
    });
  }
  constexpr uint64_t kSwaps = 20000;
  for (uint64_t v = 1; v <= kSwaps; ++v) holder.store(std::make_shared<const Versioned>(v));
  // Let the readers see the last one too.
  while (reads.load() < 1000) std::this_thread::yield();
  done = true;
  for (auto& t : readers) t.join();
  CHECK(bad.load() == 0);
  CHECK(went_back.load() == 0);
  CHECK(reads.load() >= 1000);
  CHECK(holder.get()->version == kSwaps);
}

TEST_CASE("a reader keeps its snapshot alive after a swap") {
  SnapshotHolder<Versioned> holder;
  holder.store(std::make_shared<const Versioned>(1));
  auto held = holder.get();
  holder.store(std::make_shared<const Versioned>(2));
  CHECK(held->version == 1);
  CHECK(held->items.size() == 64);
  CHECK(holder.get()->version == 2);
}

}  // namespace c4::api
