// SideTable (frontend/engine/side_table.h): entries by id across chunk boundaries, and readers
// on other threads while one writer grows the table (label "threads": TSan-clean by design).
#include "frontend/engine/side_table.h"

#include <atomic>
#include <iterator>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace toylang {
namespace {

TEST(SideTableTest, EntriesStartEmptyAndKeepTheirValuesAcrossChunks) {
  SideTable<const int*> table;
  static const int values[3] = {1, 2, 3};
  const int ids[] = {0, 255, 256, 767, 768, 100000, 1 << 24};
  for (int id : ids) EXPECT_EQ(table.Find(id), nullptr) << id;
  for (size_t i = 0; i < std::size(ids); ++i) table.Set(ids[i], &values[i % 3]);
  for (size_t i = 0; i < std::size(ids); ++i) EXPECT_EQ(table.Find(ids[i]), &values[i % 3]);
  EXPECT_EQ(table.Find(1), nullptr);
  EXPECT_EQ(table.Find(1 << 23), nullptr);
}

// One writer fills ids in order while readers look up ids up to the last one published: a
// reader never sees a published entry missing or wrong (no entry moves when the table grows).
TEST(SideTableTest, ReadersOnOtherThreadsWhileTheWriterGrowsIt) {
  constexpr int kEntries = 200000;
  SideTable<intptr_t> table;
  std::atomic<int> published{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int seen = 0;
      while (seen < kEntries) {
        seen = published.load(std::memory_order_acquire);
        for (int id = seen > 1000 ? seen - 1000 : 0; id < seen; ++id) {
          if (table.Find(id) != id + 1) wrong.fetch_add(1);
        }
      }
    });
  }
  for (int id = 0; id < kEntries; ++id) {
    table.Set(id, id + 1);
    published.store(id + 1, std::memory_order_release);
  }
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace toylang
