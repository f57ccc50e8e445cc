// Tests of the C API (mosaic/mosaic.h): every function, its results and its error codes.
//
// Liveness is checked the way tests/runtime does: the object under test is kept only in a hidden
// (XOR-ed) form, the stack below the test is wiped before collecting, and the heap is asked
// afterwards whether the address still holds an allocated object. Where the conservative scan
// could keep an object by accident, assertions are bounds over many objects.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mosaic/heap.h"
#include "mosaic/mosaic.h"
#include "mosaic/value.h"

namespace {

using ::testing::HasSubstr;

constexpr uint64_t kHide = 0x3c3c3c3c3c3c3c3cull;
uint64_t Hide(mosaic_value v) { return v ^ kHide; }
mosaic_value Unhide(uint64_t h) { return h ^ kHide; }

// Overwrites the stack below the caller so that dead frames of earlier calls hold no references.
__attribute__((noinline)) void ClearStackBelow() {
  volatile char buffer[64 * 1024];
  std::memset(const_cast<char*>(buffer), 0, sizeof(buffer));
  asm volatile("" : : "r"(buffer) : "memory");
}

bool UnderStress() {
  const char* env = std::getenv("MOSAIC_GC_OPTIONS");
  return env != nullptr && std::strstr(env, "stress=") != nullptr &&
         std::strstr(env, "stress=0") == nullptr;
}

class CapiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(mosaic_heap_create("gc-min=1M", &heap_), MOSAIC_OK) << mosaic_last_error();
    ASSERT_EQ(mosaic_thread_register(heap_), MOSAIC_OK) << mosaic_last_error();
    ASSERT_EQ(mosaic_register_kind(heap_, "vector", MOSAIC_TRACE_VALUES, nullptr, nullptr,
                                   &vector_kind_),
              MOSAIC_OK);
    ASSERT_EQ(mosaic_register_kind(heap_, "bytes", MOSAIC_TRACE_NONE, nullptr, nullptr,
                                   &bytes_kind_),
              MOSAIC_OK);
  }
  void TearDown() override {
    if (heap_ == nullptr) return;
    EXPECT_EQ(mosaic_thread_unregister(heap_), MOSAIC_OK) << mosaic_last_error();
    EXPECT_EQ(mosaic_heap_destroy(heap_), MOSAIC_OK) << mosaic_last_error();
  }

  mosaic_value NewVector(size_t n) {
    mosaic_value v = 0;
    EXPECT_EQ(mosaic_alloc(vector_kind_, 8 * (n + 1), n, &v), MOSAIC_OK) << mosaic_last_error();
    return v;
  }
  bool IsLive(mosaic_value v) {
    return mosaic_find_object(heap_, reinterpret_cast<void*>(v & ~uint64_t{2})) == v;
  }
  // Allocates a vector in a callee frame, so the caller's frame never holds it in the clear.
  __attribute__((noinline)) uint64_t NewHiddenVector(size_t n) { return Hide(NewVector(n)); }
  __attribute__((noinline)) uint64_t NewHiddenPair(int64_t tag = 1) {
    mosaic_value p = 0;
    EXPECT_EQ(mosaic_alloc_pair(mosaic_fixnum(tag), MOSAIC_NIL, &p), MOSAIC_OK);
    return Hide(p);
  }
  void PreciseCollect() {
    ClearStackBelow();
    ASSERT_EQ(mosaic_collect(heap_), MOSAIC_OK) << mosaic_last_error();
  }

  mosaic_heap* heap_ = nullptr;
  mosaic_kind vector_kind_ = 0;
  mosaic_kind bytes_kind_ = 0;
};

// ---- Values, versions, errors ------------------------------------------------------------------

TEST(CapiValueTest, MatchesTheCxxEncoding) {
  using mosaic::Value;
  for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{42}, int64_t{-123456789},
                    Value::kFixnumMax, Value::kFixnumMin}) {
    ASSERT_TRUE(mosaic_fixnum_fits(n));
    EXPECT_EQ(mosaic_fixnum(n), Value::Fixnum(n).bits());
    EXPECT_TRUE(mosaic_is_fixnum(mosaic_fixnum(n)));
    EXPECT_EQ(mosaic_fixnum_value(mosaic_fixnum(n)), n);
  }
  EXPECT_FALSE(mosaic_fixnum_fits(Value::kFixnumMax + 1));
  EXPECT_FALSE(mosaic_fixnum_fits(Value::kFixnumMin - 1));
  EXPECT_EQ(mosaic_char(0x3bb), Value::Char(0x3bb).bits());
  EXPECT_TRUE(mosaic_is_char(mosaic_char('a')));
  EXPECT_EQ(mosaic_char_value(mosaic_char(0x1F600)), 0x1F600u);
  EXPECT_FALSE(mosaic_is_char(MOSAIC_NIL));
  EXPECT_EQ(mosaic_bool(1), MOSAIC_TRUE);
  EXPECT_EQ(mosaic_bool(0), MOSAIC_FALSE);
  for (mosaic_value imm : {MOSAIC_FALSE, MOSAIC_TRUE, MOSAIC_NIL, MOSAIC_UNSPECIFIED, MOSAIC_EOF,
                           MOSAIC_UNDEFINED}) {
    EXPECT_FALSE(mosaic_is_heap_ref(imm));
    EXPECT_FALSE(mosaic_is_fixnum(imm));
    EXPECT_TRUE(Value::FromBits(imm).IsImmediate());
  }
  mosaic_value w = mosaic_embedder_word(12345);
  EXPECT_TRUE(mosaic_is_embedder_word(w));
  EXPECT_FALSE(mosaic_is_heap_ref(w));
  EXPECT_EQ(mosaic_embedder_payload(w), 12345u);
  EXPECT_FALSE(mosaic_is_object(0));
  EXPECT_TRUE(mosaic_is_object(0x1000));
  EXPECT_TRUE(mosaic_is_pair(0x1002));
}

TEST(CapiErrorTest, VersionStatusNamesAndLastError) {
  EXPECT_STREQ(mosaic_version(), "0.1.0");
  EXPECT_STREQ(mosaic_status_name(MOSAIC_OK), "OK");
  EXPECT_STREQ(mosaic_status_name(MOSAIC_ERR_OUT_OF_MEMORY), "OUT_OF_MEMORY");
  EXPECT_STREQ(mosaic_status_name(MOSAIC_ERR_BUFFER_TOO_SMALL), "BUFFER_TOO_SMALL");
  EXPECT_STREQ(mosaic_status_name(static_cast<mosaic_status>(99)), "UNKNOWN");
  EXPECT_EQ(mosaic_heap_create(nullptr, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("out is NULL"));
  // The message is per thread.
  std::thread([] { EXPECT_STREQ(mosaic_last_error(), ""); }).join();
  EXPECT_STREQ(mosaic_collect_reason_name(MOSAIC_REASON_EXPLICIT), "explicit");
  EXPECT_STREQ(mosaic_collect_reason_name(MOSAIC_REASON_HEAP_LIMIT), "heap-limit");
  EXPECT_STREQ(mosaic_collect_reason_name(static_cast<mosaic_collect_reason>(42)), "unknown");
}

// ---- Heaps and threads -------------------------------------------------------------------------

TEST(CapiHeapTest, CreateWithOptionsAndReadThemBack) {
  if (std::getenv("MOSAIC_GC_OPTIONS") != nullptr) GTEST_SKIP() << "options overridden";
  mosaic_heap* heap = nullptr;
  ASSERT_EQ(mosaic_heap_create("heap-max=64M, gc-min=2M,verify=1", &heap), MOSAIC_OK);
  size_t length = 0;
  char small[8];
  EXPECT_EQ(mosaic_heap_options(heap, small, sizeof(small), &length), MOSAIC_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(std::strlen(small), 7u);  // truncated, terminated
  EXPECT_EQ(mosaic_heap_options(heap, nullptr, 0, &length), MOSAIC_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(mosaic_heap_options(heap, nullptr, 5, &length), MOSAIC_ERR_INVALID_ARGUMENT);
  std::string text(length + 1, '\0');
  ASSERT_EQ(mosaic_heap_options(heap, text.data(), text.size(), nullptr), MOSAIC_OK);
  text.resize(length);
  EXPECT_THAT(text, HasSubstr("heap-max=67108864"));
  EXPECT_THAT(text, HasSubstr("gc-min=2097152"));
  EXPECT_THAT(text, HasSubstr("verify=1"));
  EXPECT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
  // Empty and NULL options are the defaults.
  ASSERT_EQ(mosaic_heap_create("", &heap), MOSAIC_OK);
  EXPECT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_create(nullptr, &heap), MOSAIC_OK);
  EXPECT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
}

TEST(CapiHeapTest, BadOptionsAndBadHeapsAreErrors) {
  mosaic_heap* heap = reinterpret_cast<mosaic_heap*>(0x1);
  EXPECT_EQ(mosaic_heap_create("nonsense=1", &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(heap, nullptr);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("unknown GC option 'nonsense'"));
  EXPECT_EQ(mosaic_heap_create("heap-max=lots", &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("heap-max"));
  EXPECT_EQ(mosaic_heap_create("gc-growth", &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_heap_create("heap-max=4K", &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("out of range"));
  EXPECT_EQ(mosaic_heap_create("heap-max=16777216G", &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("32T"));
  EXPECT_EQ(mosaic_heap_create("mark-stack=1000000G", &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("mark-stack"));

  // A destroyed heap, a NULL heap and a pointer that never was a heap are all refused.
  ASSERT_EQ(mosaic_heap_create(nullptr, &heap), MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
  mosaic_heap* dead = heap;
  int not_a_heap = 0;
  for (mosaic_heap* bad : {dead, static_cast<mosaic_heap*>(nullptr),
                           reinterpret_cast<mosaic_heap*>(&not_a_heap)}) {
    EXPECT_EQ(mosaic_heap_destroy(bad), MOSAIC_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(mosaic_thread_register(bad), MOSAIC_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(mosaic_thread_unregister(bad), MOSAIC_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(mosaic_collect(bad), MOSAIC_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(mosaic_registered_thread_count(bad), 0u);
    EXPECT_EQ(mosaic_heap_contains(bad, &not_a_heap), 0);
    EXPECT_EQ(mosaic_find_object(bad, &not_a_heap), 0u);
    EXPECT_EQ(mosaic_safepoint_flag(bad), nullptr);
    EXPECT_EQ(mosaic_kind_name(bad, 2), nullptr);
    EXPECT_EQ(mosaic_root_cell_count(bad), 0u);
    EXPECT_EQ(mosaic_pending_finalizer_count(bad), 0u);
    mosaic_gc_stats stats;
    EXPECT_EQ(mosaic_heap_stats(bad, &stats), MOSAIC_ERR_INVALID_ARGUMENT);
    EXPECT_THAT(mosaic_last_error(), HasSubstr("mosaic_heap_stats"));
  }
}

TEST(CapiHeapTest, EnvironmentOptionsApplyOnTop) {
  const char* saved = std::getenv("MOSAIC_GC_OPTIONS");
  std::string saved_copy = saved != nullptr ? saved : "";
  setenv("MOSAIC_GC_OPTIONS", "gc-min=3M", 1);
  mosaic_heap* heap = nullptr;
  ASSERT_EQ(mosaic_heap_create("gc-min=1M", &heap), MOSAIC_OK);
  char text[512];
  ASSERT_EQ(mosaic_heap_options(heap, text, sizeof(text), nullptr), MOSAIC_OK);
  EXPECT_THAT(text, HasSubstr("gc-min=3145728"));
  EXPECT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
  setenv("MOSAIC_GC_OPTIONS", "bogus", 1);
  EXPECT_EQ(mosaic_heap_create(nullptr, &heap), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("MOSAIC_GC_OPTIONS"));
  if (saved != nullptr) {
    setenv("MOSAIC_GC_OPTIONS", saved_copy.c_str(), 1);
  } else {
    unsetenv("MOSAIC_GC_OPTIONS");
  }
}

TEST_F(CapiTest, ThreadRegistration) {
  EXPECT_EQ(mosaic_current_heap(), heap_);
  EXPECT_EQ(mosaic_registered_thread_count(heap_), 1u);
  EXPECT_EQ(mosaic_thread_register(heap_), MOSAIC_ERR_ALREADY_EXISTS);
  // A second heap: registering there while registered here is refused, and so is
  // unregistering from a heap this thread is not registered with.
  mosaic_heap* other = nullptr;
  ASSERT_EQ(mosaic_heap_create(nullptr, &other), MOSAIC_OK);
  EXPECT_EQ(mosaic_thread_register(other), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(mosaic_thread_unregister(other), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_collect(other), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_registered_thread_count(other), 0u);
  // A heap with a registered thread cannot be destroyed.
  EXPECT_EQ(mosaic_heap_destroy(heap_), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("still registered"));

  std::thread worker([&] {
    EXPECT_EQ(mosaic_current_heap(), nullptr);
    EXPECT_EQ(mosaic_thread_unregister(heap_), MOSAIC_ERR_NOT_REGISTERED);
    ASSERT_EQ(mosaic_thread_register(other), MOSAIC_OK);
    EXPECT_EQ(mosaic_current_heap(), other);
    mosaic_value p = 0;
    EXPECT_EQ(mosaic_alloc_pair(mosaic_fixnum(7), MOSAIC_NIL, &p), MOSAIC_OK);
    EXPECT_EQ(mosaic_heap_contains(other, reinterpret_cast<void*>(p - 2)), 1);
    EXPECT_EQ(mosaic_heap_contains(heap_, reinterpret_cast<void*>(p - 2)), 0);
    EXPECT_EQ(mosaic_collect(other), MOSAIC_OK);
    EXPECT_EQ(mosaic_thread_unregister(other), MOSAIC_OK);
  });
  worker.join();
  EXPECT_EQ(mosaic_heap_destroy(other), MOSAIC_OK);
}

TEST(CapiUnregisteredTest, CallsThatNeedARegisteredThreadSaySo) {
  mosaic_value v = 0;
  mosaic_handle h = nullptr;
  mosaic_handle_scope scope;
  EXPECT_EQ(mosaic_alloc(2, 16, 0, &v), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("mosaic_thread_register"));
  EXPECT_EQ(mosaic_alloc_pair(MOSAIC_NIL, MOSAIC_NIL, &v), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_safepoint(), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_enter_native(), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_leave_native(), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_handle_scope_open(&scope), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_handle_new(MOSAIC_NIL, &h), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_current_heap(), nullptr);
  mosaic_heap* heap = nullptr;
  ASSERT_EQ(mosaic_heap_create(nullptr, &heap), MOSAIC_OK);
  EXPECT_EQ(mosaic_collect(heap), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_run_pending_finalizers(heap), MOSAIC_ERR_NOT_REGISTERED);
  EXPECT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
}

// ---- Kinds and allocation ----------------------------------------------------------------------

TEST_F(CapiTest, KindRegistrationErrors) {
  mosaic_kind k = 0;
  auto trace = [](const void*, mosaic_tracer*, void*) {};
  EXPECT_EQ(mosaic_register_kind(heap_, nullptr, MOSAIC_TRACE_NONE, nullptr, nullptr, &k),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_register_kind(heap_, "k", MOSAIC_TRACE_NONE, nullptr, nullptr, nullptr),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_register_kind(heap_, "k", MOSAIC_TRACE_CUSTOM, nullptr, nullptr, &k),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("no trace callback"));
  EXPECT_EQ(mosaic_register_kind(heap_, "k", MOSAIC_TRACE_VALUES, trace, nullptr, &k),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_register_kind(heap_, "k", static_cast<mosaic_trace_policy>(7), nullptr,
                                 nullptr, &k),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("unknown trace policy 7"));
  EXPECT_EQ(mosaic_register_kind(nullptr, "k", MOSAIC_TRACE_NONE, nullptr, nullptr, &k),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(mosaic_kind_name(heap_, vector_kind_), "vector");
  EXPECT_STREQ(mosaic_kind_name(heap_, bytes_kind_), "bytes");
  EXPECT_STREQ(mosaic_kind_name(heap_, MOSAIC_PAIR_KIND), "pair");
  EXPECT_EQ(mosaic_kind_name(heap_, 0), nullptr);
  EXPECT_EQ(mosaic_kind_name(heap_, 999), nullptr);
}

TEST_F(CapiTest, AllocateObjectsAndPairs) {
  mosaic_value v = NewVector(3);
  ASSERT_TRUE(mosaic_is_object(v));
  EXPECT_EQ(mosaic_object_kind(v), vector_kind_);
  EXPECT_EQ(mosaic_object_aux(v), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(mosaic_object_fields(v)[i], 0u);  // zeroed
  mosaic_value big = 0;
  ASSERT_EQ(mosaic_alloc(bytes_kind_, 100000, MOSAIC_AUX_MAX, &big), MOSAIC_OK);
  EXPECT_EQ(mosaic_object_aux(big), MOSAIC_AUX_MAX);
  EXPECT_EQ(mosaic_object_kind(big), bytes_kind_);
  // Interior pointers find their object.
  EXPECT_EQ(mosaic_find_object(heap_, reinterpret_cast<char*>(big) + 5000), big);
  EXPECT_EQ(mosaic_heap_contains(heap_, reinterpret_cast<void*>(big)), 1);
  int local = 0;
  EXPECT_EQ(mosaic_heap_contains(heap_, &local), 0);
  EXPECT_EQ(mosaic_find_object(heap_, &local), 0u);

  mosaic_value p = 0;
  ASSERT_EQ(mosaic_alloc_pair(mosaic_fixnum(1), v, &p), MOSAIC_OK);
  ASSERT_TRUE(mosaic_is_pair(p));
  EXPECT_EQ(mosaic_car(p), mosaic_fixnum(1));
  EXPECT_EQ(mosaic_cdr(p), v);
  mosaic_set_car(p, MOSAIC_TRUE);
  mosaic_set_cdr(p, MOSAIC_NIL);
  EXPECT_EQ(mosaic_car(p), MOSAIC_TRUE);
  EXPECT_EQ(mosaic_cdr(p), MOSAIC_NIL);
  EXPECT_EQ(mosaic_find_object(heap_, reinterpret_cast<char*>(p) + 4), p);
}

TEST_F(CapiTest, AllocationErrors) {
  mosaic_value v = 123;
  EXPECT_EQ(mosaic_alloc(vector_kind_, 16, 0, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_alloc(0, 16, 0, &v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_alloc(MOSAIC_PAIR_KIND, 16, 0, &v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("mosaic_alloc_pair"));
  EXPECT_EQ(mosaic_alloc(4000, 16, 0, &v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_alloc(vector_kind_, 7, 0, &v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_alloc(vector_kind_, 16, MOSAIC_AUX_MAX + 1, &v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_alloc_pair(MOSAIC_NIL, MOSAIC_NIL, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(v, 123u);  // untouched on failure
}

TEST(CapiOutOfMemoryTest, TheHeapLimitIsAStatusAndTheHeapStaysUsable) {
  if (UnderStress()) GTEST_SKIP() << "fills a heap: too slow when every allocation collects";
  mosaic_heap* heap = nullptr;
  ASSERT_EQ(mosaic_heap_create("heap-max=2M,gc-min=256K", &heap), MOSAIC_OK);
  ASSERT_EQ(mosaic_thread_register(heap), MOSAIC_OK);
  mosaic_kind bytes = 0;
  ASSERT_EQ(mosaic_register_kind(heap, "bytes", MOSAIC_TRACE_NONE, nullptr, nullptr, &bytes),
            MOSAIC_OK);
  mosaic_value v = 0;
  // More than the limit at once.
  EXPECT_EQ(mosaic_alloc(bytes, size_t{64} << 20, 0, &v), MOSAIC_ERR_OUT_OF_MEMORY);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("out of memory"));
  // Fill the heap with a list held in a root cell until pairs run out.
  mosaic_root_cell* cell = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(heap, MOSAIC_NIL, &cell), MOSAIC_OK);
  mosaic_status status = MOSAIC_OK;
  size_t pairs = 0;
  // In a callee, so that the list's head does not stay in this frame.
  [&]() __attribute__((noinline)) {
    while (status == MOSAIC_OK && pairs < 10'000'000) {
      mosaic_value list = 0, p = 0;
      ASSERT_EQ(mosaic_root_cell_load(cell, &list), MOSAIC_OK);
      status = mosaic_alloc_pair(mosaic_fixnum(static_cast<int64_t>(pairs)), list, &p);
      if (status == MOSAIC_OK) {
        ASSERT_EQ(mosaic_root_cell_store(cell, p), MOSAIC_OK);
        ++pairs;
      }
    }
  }();
  EXPECT_EQ(status, MOSAIC_ERR_OUT_OF_MEMORY);
  // 2 MiB of 16-byte pairs, less what other blocks take: far more than a few.
  EXPECT_GT(pairs, 10'000u);
  EXPECT_LE(pairs, (size_t{2} << 20) / 16);
  // Dropping the list makes room again.
  ASSERT_EQ(mosaic_root_cell_store(cell, MOSAIC_NIL), MOSAIC_OK);
  ClearStackBelow();
  ASSERT_EQ(mosaic_collect(heap), MOSAIC_OK);
  EXPECT_EQ(mosaic_alloc_pair(MOSAIC_NIL, MOSAIC_NIL, &v), MOSAIC_OK);
  EXPECT_EQ(mosaic_alloc(bytes, 4096, 0, &v), MOSAIC_OK);
  ASSERT_EQ(mosaic_root_cell_free(heap, cell), MOSAIC_OK);
  ASSERT_EQ(mosaic_thread_unregister(heap), MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
}

TEST(CapiOutOfMemoryDeathTest, CxxAllocationOnACHeapKeepsTheRuntimesDefault) {
  // The C API's OOM signal is only for C API calls: C++ code allocating on a heap made by
  // mosaic_heap_create gets the runtime's message and abort, never a stray exception.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        mosaic_heap* heap = nullptr;
        mosaic_kind bytes = 0;
        if (mosaic_heap_create("heap-max=1M", &heap) != MOSAIC_OK) return;
        mosaic_thread_register(heap);
        mosaic_register_kind(heap, "bytes", MOSAIC_TRACE_NONE, nullptr, nullptr, &bytes);
        mosaic::Allocate(bytes, size_t{64} << 20);
      },
      "out of memory");
}

// ---- Tracing -------------------------------------------------------------------------------------

void CountFinalized(mosaic_value object, void* user_data) {
  EXPECT_TRUE(mosaic_is_heap_ref(object));
  ++*static_cast<int*>(user_data);
}

struct TraceCounts {
  std::atomic<int> calls{0};
};

// A "box" kind: header, then word 1 is traced; word 2 is deliberately not.
void TraceFirstField(const void* object, mosaic_tracer* tracer, void* user_data) {
  static_cast<TraceCounts*>(user_data)->calls.fetch_add(1, std::memory_order_relaxed);
  mosaic_trace(tracer, static_cast<const mosaic_value*>(object)[1]);
}

TEST_F(CapiTest, CustomTraceKeepsWhatItTracesAndOnlyThat) {
  TraceCounts counts;
  mosaic_kind box = 0;
  ASSERT_EQ(mosaic_register_kind(heap_, "box", MOSAIC_TRACE_CUSTOM, TraceFirstField, &counts, &box),
            MOSAIC_OK);
  mosaic_root_cell* cell = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(heap_, MOSAIC_NIL, &cell), MOSAIC_OK);
  constexpr int kBoxes = 200;
  std::vector<uint64_t> traced(kBoxes);
  int untraced_finalized = 0;
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kBoxes; ++i) {
      mosaic_value b = 0, list = 0, p = 0;
      ASSERT_EQ(mosaic_alloc(box, 24, 0, &b), MOSAIC_OK);
      // Through the barrier: each NewHiddenPair allocates, so `b` may be old by now (generations
      // are on by default).
      mosaic_store_field(&mosaic_object_fields(b)[0], Unhide(NewHiddenPair(i)));
      mosaic_store_field(&mosaic_object_fields(b)[1], Unhide(NewHiddenPair(-i)));
      traced[i] = Hide(mosaic_object_fields(b)[0]);
      // Death is observed through a finalizer: a dead pair's address may be reused by a later
      // allocation, so "is something allocated there" would not tell.
      ASSERT_EQ(mosaic_register_finalizer(heap_, mosaic_object_fields(b)[1], CountFinalized,
                                          &untraced_finalized),
                MOSAIC_OK);
      ASSERT_EQ(mosaic_root_cell_load(cell, &list), MOSAIC_OK);
      ASSERT_EQ(mosaic_alloc_pair(b, list, &p), MOSAIC_OK);
      ASSERT_EQ(mosaic_root_cell_store(cell, p), MOSAIC_OK);
    }
  }();
  PreciseCollect();
  EXPECT_GE(counts.calls.load(), kBoxes);
  int traced_live = 0;
  for (int i = 0; i < kBoxes; ++i) {
    mosaic_value pair = Unhide(traced[i]);
    traced_live += IsLive(pair) && mosaic_car(pair) == mosaic_fixnum(i);
  }
  EXPECT_EQ(traced_live, kBoxes);
  EXPECT_GE(untraced_finalized, kBoxes * 9 / 10)
      << "pairs only an untraced field refers to must die";
  ASSERT_EQ(mosaic_root_cell_free(heap_, cell), MOSAIC_OK);
}

TEST_F(CapiTest, TraceRangeAndNullTracerAreSafe) {
  mosaic_trace(nullptr, MOSAIC_NIL);
  mosaic_trace_range(nullptr, nullptr, 3);
  SUCCEED();
}

TEST(CapiTraceSlotsTest, DistinctCallbacksAreBoundedAndFreedWithTheHeap) {
  mosaic_heap* heap = nullptr;
  ASSERT_EQ(mosaic_heap_create(nullptr, &heap), MOSAIC_OK);
  static int datum[1100];
  mosaic_kind k = 0;
  int registered = 0;
  mosaic_status status = MOSAIC_OK;
  for (int i = 0; i < 1100 && status == MOSAIC_OK; ++i) {
    status = mosaic_register_kind(heap, "k", MOSAIC_TRACE_CUSTOM, TraceFirstField, &datum[i], &k);
    if (status == MOSAIC_OK) ++registered;
  }
  EXPECT_EQ(status, MOSAIC_ERR_RESOURCE_EXHAUSTED);
  EXPECT_LE(registered, 1024);
  EXPECT_GT(registered, 1000);  // other live heaps of this process hold few slots
  // The same pair again shares its slot.
  EXPECT_EQ(mosaic_register_kind(heap, "again", MOSAIC_TRACE_CUSTOM, TraceFirstField, &datum[0], &k),
            MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_create(nullptr, &heap), MOSAIC_OK);
  EXPECT_EQ(mosaic_register_kind(heap, "k", MOSAIC_TRACE_CUSTOM, TraceFirstField, &datum[1099], &k),
            MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_destroy(heap), MOSAIC_OK);
}

// ---- Roots -------------------------------------------------------------------------------------

TEST_F(CapiTest, HandlesArePreciseRoots) {
  mosaic_handle_scope scope;
  ASSERT_EQ(mosaic_handle_scope_open(&scope), MOSAIC_OK);
  constexpr int kN = 100;
  std::vector<mosaic_handle> handles(kN);
  std::vector<uint64_t> hidden(kN);
  for (int i = 0; i < kN; ++i) {
    hidden[i] = NewHiddenVector(2);
    ASSERT_EQ(mosaic_handle_new(Unhide(hidden[i]), &handles[i]), MOSAIC_OK);
  }
  // The handles hold the only clear copies.
  for (auto& h : hidden) {
    mosaic_value v = Unhide(h);
    mosaic_object_fields(v)[0] = mosaic_fixnum(7);
  }
  PreciseCollect();
  for (int i = 0; i < kN; ++i) {
    EXPECT_EQ(*handles[i], Unhide(hidden[i]));
    EXPECT_TRUE(IsLive(*handles[i]));
    EXPECT_EQ(mosaic_object_fields(*handles[i])[0], mosaic_fixnum(7));
  }
  *handles[0] = MOSAIC_NIL;  // handles are writable slots
  ASSERT_EQ(mosaic_handle_scope_close(&scope), MOSAIC_OK);
  handles.clear();
  PreciseCollect();
  int live = 0;
  for (auto h : hidden) live += IsLive(Unhide(h));
  EXPECT_LE(live, kN / 10) << "closing the scope releases its handles";
}

TEST_F(CapiTest, HandleScopeMisuse) {
  mosaic_handle h = nullptr;
  EXPECT_EQ(mosaic_handle_new(MOSAIC_NIL, &h), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("no handle scope"));
  mosaic_handle_scope outer, inner, never;
  std::memset(&never, 0, sizeof(never));
  EXPECT_EQ(mosaic_handle_scope_open(nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_handle_scope_close(nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_handle_scope_close(&never), MOSAIC_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(mosaic_handle_scope_open(&outer), MOSAIC_OK);
  ASSERT_EQ(mosaic_handle_scope_open(&inner), MOSAIC_OK);
  EXPECT_EQ(mosaic_handle_new(MOSAIC_NIL, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_handle_scope_close(&outer), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("innermost first"));
  EXPECT_EQ(mosaic_thread_unregister(heap_), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("handle scope"));
  // Another thread cannot close this thread's scope.
  std::thread([&] {
    ASSERT_EQ(mosaic_thread_register(heap_), MOSAIC_OK);
    EXPECT_EQ(mosaic_handle_scope_close(&inner), MOSAIC_ERR_INVALID_ARGUMENT);
    ASSERT_EQ(mosaic_thread_unregister(heap_), MOSAIC_OK);
  }).join();
  ASSERT_EQ(mosaic_handle_scope_close(&inner), MOSAIC_OK);
  EXPECT_EQ(mosaic_handle_scope_close(&inner), MOSAIC_ERR_INVALID_ARGUMENT);  // twice
  ASSERT_EQ(mosaic_handle_scope_close(&outer), MOSAIC_OK);
}

mosaic_value g_global_slot = 0;

TEST_F(CapiTest, GlobalRoots) {
  ASSERT_EQ(mosaic_global_root_add(heap_, &g_global_slot), MOSAIC_OK);
  EXPECT_EQ(mosaic_global_root_add(heap_, &g_global_slot), MOSAIC_ERR_ALREADY_EXISTS);
  EXPECT_EQ(mosaic_global_root_add(heap_, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_global_root_add(nullptr, &g_global_slot), MOSAIC_ERR_INVALID_ARGUMENT);
  uint64_t hidden = NewHiddenVector(1);
  g_global_slot = Unhide(hidden);
  PreciseCollect();
  EXPECT_TRUE(IsLive(Unhide(hidden)));
  ASSERT_EQ(mosaic_global_root_remove(heap_, &g_global_slot), MOSAIC_OK);
  EXPECT_EQ(mosaic_global_root_remove(heap_, &g_global_slot), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_global_root_remove(heap_, nullptr), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_global_root_remove(nullptr, &g_global_slot), MOSAIC_ERR_INVALID_ARGUMENT);
  g_global_slot = 0;
}

TEST_F(CapiTest, RootCellsKeepTheirValuesAlive) {
  constexpr int kN = 100;
  std::vector<mosaic_root_cell*> cells(kN);
  std::vector<uint64_t> hidden(kN);
  size_t before = mosaic_root_cell_count(heap_);
  for (int i = 0; i < kN; ++i) {
    hidden[i] = NewHiddenVector(1);
    ASSERT_EQ(mosaic_root_cell_new(heap_, Unhide(hidden[i]), &cells[i]), MOSAIC_OK);
  }
  EXPECT_EQ(mosaic_root_cell_count(heap_), before + kN);
  PreciseCollect();
  for (int i = 0; i < kN; ++i) {
    mosaic_value v = 0;
    ASSERT_EQ(mosaic_root_cell_load(cells[i], &v), MOSAIC_OK);
    EXPECT_EQ(v, Unhide(hidden[i]));
    EXPECT_TRUE(IsLive(v));
  }
  for (auto* c : cells) ASSERT_EQ(mosaic_root_cell_free(heap_, c), MOSAIC_OK);
  EXPECT_EQ(mosaic_root_cell_count(heap_), before);
  PreciseCollect();
  int live = 0;
  for (auto h : hidden) live += IsLive(Unhide(h));
  EXPECT_LE(live, kN / 10);
}

TEST_F(CapiTest, RootCellOperationsAndErrors) {
  mosaic_root_cell* cell = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(heap_, mosaic_fixnum(1), &cell), MOSAIC_OK);
  mosaic_value v = 0;
  ASSERT_EQ(mosaic_root_cell_load(cell, &v), MOSAIC_OK);
  EXPECT_EQ(v, mosaic_fixnum(1));
  ASSERT_EQ(mosaic_root_cell_store(cell, mosaic_fixnum(2)), MOSAIC_OK);
  mosaic_value old = 0;
  ASSERT_EQ(mosaic_root_cell_exchange(cell, mosaic_fixnum(3), &old), MOSAIC_OK);
  EXPECT_EQ(old, mosaic_fixnum(2));
  mosaic_value expected = mosaic_fixnum(99);
  int exchanged = -1;
  ASSERT_EQ(mosaic_root_cell_compare_exchange(cell, &expected, mosaic_fixnum(4), &exchanged),
            MOSAIC_OK);
  EXPECT_EQ(exchanged, 0);
  EXPECT_EQ(expected, mosaic_fixnum(3));  // the current value
  ASSERT_EQ(mosaic_root_cell_compare_exchange(cell, &expected, mosaic_fixnum(4), &exchanged),
            MOSAIC_OK);
  EXPECT_EQ(exchanged, 1);
  ASSERT_EQ(mosaic_root_cell_load(cell, &v), MOSAIC_OK);
  EXPECT_EQ(v, mosaic_fixnum(4));

  // Bad arguments.
  EXPECT_EQ(mosaic_root_cell_new(heap_, MOSAIC_NIL, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_new(nullptr, MOSAIC_NIL, &cell), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_load(cell, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_load(nullptr, &v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_store(nullptr, v), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_exchange(cell, v, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_compare_exchange(cell, nullptr, v, &exchanged),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_root_cell_compare_exchange(cell, &expected, v, nullptr),
            MOSAIC_ERR_INVALID_ARGUMENT);
  auto* bogus = reinterpret_cast<mosaic_root_cell*>(&v);
  EXPECT_EQ(mosaic_root_cell_load(bogus, &v), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_root_cell_store(bogus, v), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_root_cell_free(heap_, bogus), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_root_cell_free(heap_, nullptr), MOSAIC_ERR_NOT_FOUND);

  // Another heap's cell cannot be freed here; any thread may write it.
  mosaic_heap* other = nullptr;
  ASSERT_EQ(mosaic_heap_create(nullptr, &other), MOSAIC_OK);
  mosaic_root_cell* foreign = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(other, MOSAIC_NIL, &foreign), MOSAIC_OK);
  EXPECT_EQ(mosaic_root_cell_free(heap_, foreign), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_root_cell_store(foreign, MOSAIC_TRUE), MOSAIC_OK);
  ASSERT_EQ(mosaic_root_cell_free(other, foreign), MOSAIC_OK);
  ASSERT_EQ(mosaic_heap_destroy(other), MOSAIC_OK);

  // Unregistered threads may load and write.
  std::thread([&] {
    mosaic_value seen = 0;
    EXPECT_EQ(mosaic_root_cell_load(cell, &seen), MOSAIC_OK);
    EXPECT_EQ(seen, mosaic_fixnum(4));
    EXPECT_EQ(mosaic_root_cell_store(cell, MOSAIC_NIL), MOSAIC_OK);
    mosaic_value o = 0;
    EXPECT_EQ(mosaic_root_cell_exchange(cell, mosaic_fixnum(4), &o), MOSAIC_OK);
    EXPECT_EQ(o, MOSAIC_NIL);
  }).join();

  ASSERT_EQ(mosaic_root_cell_free(heap_, cell), MOSAIC_OK);
  EXPECT_EQ(mosaic_root_cell_free(heap_, cell), MOSAIC_ERR_NOT_FOUND);  // twice
  EXPECT_EQ(mosaic_root_cell_load(cell, &v), MOSAIC_ERR_NOT_FOUND);     // after free
}

TEST_F(CapiTest, RootCellsFromManyThreads) {
  mosaic_root_cell* counter = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(heap_, mosaic_fixnum(0), &counter), MOSAIC_OK);
  constexpr int kThreads = 4;
  const int per_thread = UnderStress() ? 200 : 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      ASSERT_EQ(mosaic_thread_register(heap_), MOSAIC_OK);
      for (int i = 0; i < per_thread; ++i) {
        mosaic_value seen = 0, p = 0;
        ASSERT_EQ(mosaic_root_cell_load(counter, &seen), MOSAIC_OK);
        // Allocate now and then so that collections interleave with the updates.
        if (i % 64 == 0) {
          ASSERT_EQ(mosaic_alloc_pair(seen, MOSAIC_NIL, &p), MOSAIC_OK);
        }
        int exchanged = 0;
        while (!exchanged) {
          mosaic_value next = mosaic_fixnum(mosaic_fixnum_value(seen) + 1);
          ASSERT_EQ(mosaic_root_cell_compare_exchange(counter, &seen, next, &exchanged),
                    MOSAIC_OK);
        }
      }
      ASSERT_EQ(mosaic_thread_unregister(heap_), MOSAIC_OK);
    });
  }
  // The main thread (registered) must not block the others' collections: it waits in a native
  // region.
  ASSERT_EQ(mosaic_enter_native(), MOSAIC_OK);
  for (auto& t : threads) t.join();
  ASSERT_EQ(mosaic_leave_native(), MOSAIC_OK);
  mosaic_value total = 0;
  ASSERT_EQ(mosaic_root_cell_load(counter, &total), MOSAIC_OK);
  EXPECT_EQ(mosaic_fixnum_value(total), kThreads * per_thread);
  ASSERT_EQ(mosaic_root_cell_free(heap_, counter), MOSAIC_OK);
}

// ---- Safepoints and native regions --------------------------------------------------------------

TEST_F(CapiTest, NativeRegionRules) {
  mosaic_root_cell* cell = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(heap_, MOSAIC_NIL, &cell), MOSAIC_OK);
  EXPECT_EQ(mosaic_leave_native(), MOSAIC_ERR_FAILED_PRECONDITION);
  ASSERT_EQ(mosaic_enter_native(), MOSAIC_OK);
  EXPECT_EQ(mosaic_enter_native(), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("do not nest"));
  mosaic_value v = 0;
  EXPECT_EQ(mosaic_alloc(vector_kind_, 16, 0, &v), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(mosaic_alloc_pair(MOSAIC_NIL, MOSAIC_NIL, &v), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(mosaic_collect(heap_), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(mosaic_safepoint(), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(mosaic_run_pending_finalizers(heap_), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_EQ(mosaic_thread_unregister(heap_), MOSAIC_ERR_FAILED_PRECONDITION);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("native region"));
  // Root cells are usable from anywhere, native regions included.
  EXPECT_EQ(mosaic_root_cell_store(cell, MOSAIC_TRUE), MOSAIC_OK);
  EXPECT_EQ(mosaic_root_cell_load(cell, &v), MOSAIC_OK);
  EXPECT_EQ(v, MOSAIC_TRUE);
  ASSERT_EQ(mosaic_leave_native(), MOSAIC_OK);
  EXPECT_EQ(mosaic_safepoint(), MOSAIC_OK);
  ASSERT_EQ(mosaic_root_cell_free(heap_, cell), MOSAIC_OK);
}

TEST_F(CapiTest, APollingThreadLetsAnotherCollect) {
  const volatile uint32_t* flag = mosaic_safepoint_flag(heap_);
  ASSERT_NE(flag, nullptr);
  EXPECT_FALSE(mosaic_safepoint_requested(flag));
  std::atomic<bool> stop{false};
  std::atomic<bool> polled{false};
  std::thread poller([&] {
    ASSERT_EQ(mosaic_thread_register(heap_), MOSAIC_OK);
    polled = true;
    // A loop that never allocates: the inline flag check plus mosaic_safepoint is its only
    // way to let a collection run.
    while (!stop.load(std::memory_order_relaxed)) {
      if (mosaic_safepoint_requested(flag)) {
        ASSERT_EQ(mosaic_safepoint(), MOSAIC_OK);
      }
    }
    ASSERT_EQ(mosaic_thread_unregister(heap_), MOSAIC_OK);
  });
  while (!polled) std::this_thread::yield();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(mosaic_collect(heap_), MOSAIC_OK);  // would hang otherwise
  stop = true;
  poller.join();
  mosaic_gc_stats stats;
  ASSERT_EQ(mosaic_heap_stats(heap_, &stats), MOSAIC_OK);
  EXPECT_GE(stats.collections, 3u);
}

// ---- Finalizers, stats, events ------------------------------------------------------------------

TEST_F(CapiTest, FinalizersRunForUnreachableObjects) {
  int finalized = 0;
  constexpr int kN = 200;
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kN; ++i) {
      mosaic_value v = Unhide(i % 2 == 0 ? NewHiddenVector(1) : NewHiddenPair());
      ASSERT_EQ(mosaic_register_finalizer(heap_, v, CountFinalized, &finalized), MOSAIC_OK);
    }
  }();
  // A kept object's finalizer must not run.
  int kept_finalized = 0;
  mosaic_root_cell* keep = nullptr;
  ASSERT_EQ(mosaic_root_cell_new(heap_, NewVector(1), &keep), MOSAIC_OK);
  mosaic_value kept = 0;
  ASSERT_EQ(mosaic_root_cell_load(keep, &kept), MOSAIC_OK);
  ASSERT_EQ(mosaic_register_finalizer(heap_, kept, CountFinalized, &kept_finalized), MOSAIC_OK);
  kept = 0;
  PreciseCollect();
  ASSERT_EQ(mosaic_run_pending_finalizers(heap_), MOSAIC_OK);
  EXPECT_EQ(mosaic_pending_finalizer_count(heap_), 0u);
  EXPECT_GE(finalized, kN * 9 / 10);
  EXPECT_LE(finalized, kN);
  EXPECT_EQ(kept_finalized, 0);
  mosaic_gc_stats stats;
  ASSERT_EQ(mosaic_heap_stats(heap_, &stats), MOSAIC_OK);
  EXPECT_EQ(stats.finalizers_run, static_cast<uint64_t>(finalized));
  ASSERT_EQ(mosaic_root_cell_free(heap_, keep), MOSAIC_OK);
}

TEST_F(CapiTest, FinalizerErrors) {
  int n = 0;
  mosaic_value v = NewVector(2);
  EXPECT_EQ(mosaic_register_finalizer(heap_, v, nullptr, &n), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_register_finalizer(heap_, mosaic_fixnum(3), CountFinalized, &n),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_register_finalizer(heap_, v + 8, CountFinalized, &n),  // interior
            MOSAIC_ERR_INVALID_ARGUMENT);
  mosaic_value not_heap = reinterpret_cast<mosaic_value>(&n) & ~uint64_t{7};
  EXPECT_EQ(mosaic_register_finalizer(heap_, not_heap, CountFinalized, &n),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_THAT(mosaic_last_error(), HasSubstr("not a reference to an object"));
  EXPECT_EQ(mosaic_register_finalizer(nullptr, v, CountFinalized, &n),
            MOSAIC_ERR_INVALID_ARGUMENT);
}

struct Events {
  std::vector<mosaic_gc_event> seen;
};

void RecordEvent(const mosaic_gc_event* event, void* user_data) {
  static_cast<Events*>(user_data)->seen.push_back(*event);
}

TEST_F(CapiTest, EventListenersAndStats) {
  Events events;
  int id = 0;
  EXPECT_EQ(mosaic_add_event_listener(heap_, nullptr, &events, &id), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mosaic_add_event_listener(heap_, RecordEvent, &events, nullptr),
            MOSAIC_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(mosaic_add_event_listener(heap_, RecordEvent, &events, &id), MOSAIC_OK);
  mosaic_gc_stats start, before;
  ASSERT_EQ(mosaic_heap_stats(heap_, &start), MOSAIC_OK);
  for (int i = 0; i < 100; ++i) NewVector(4);
  ASSERT_EQ(mosaic_heap_stats(heap_, &before), MOSAIC_OK);  // (stress mode collects above)
  ASSERT_EQ(mosaic_collect(heap_), MOSAIC_OK);
  ASSERT_FALSE(events.seen.empty());
  const mosaic_gc_event& last = events.seen.back();
  EXPECT_EQ(last.reason, MOSAIC_REASON_EXPLICIT);
  EXPECT_EQ(last.index, before.collections + 1);
  EXPECT_EQ(last.mutators, 1u);
  mosaic_gc_stats after;
  ASSERT_EQ(mosaic_heap_stats(heap_, &after), MOSAIC_OK);
  EXPECT_EQ(after.collections, before.collections + 1);
  EXPECT_GE(after.bytes_allocated, start.bytes_allocated + 100 * 40);
  EXPECT_GE(after.max_pause_ns, after.last_pause_ns);
  EXPECT_GT(after.committed_bytes, 0u);
  EXPECT_NE(after.heap_base, 0u);
  EXPECT_EQ(mosaic_heap_stats(heap_, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);

  size_t length = 0;
  EXPECT_EQ(mosaic_heap_stats_json(heap_, nullptr, 0, &length), MOSAIC_ERR_BUFFER_TOO_SMALL);
  std::string json(length + 1, '\0');
  ASSERT_EQ(mosaic_heap_stats_json(heap_, json.data(), json.size(), &length), MOSAIC_OK);
  json.resize(length);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_THAT(json, HasSubstr("\"collections\": " + std::to_string(after.collections)));

  ASSERT_EQ(mosaic_remove_event_listener(heap_, id), MOSAIC_OK);
  size_t count = events.seen.size();
  ASSERT_EQ(mosaic_collect(heap_), MOSAIC_OK);
  EXPECT_EQ(events.seen.size(), count) << "a removed listener is not called";
  EXPECT_EQ(mosaic_remove_event_listener(heap_, id), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_remove_event_listener(heap_, 12345), MOSAIC_ERR_NOT_FOUND);
  EXPECT_EQ(mosaic_remove_event_listener(nullptr, id), MOSAIC_ERR_INVALID_ARGUMENT);
}

TEST_F(CapiTest, UnreachableListsAreReclaimed) {
  // Many short-lived lists; live bytes after a collection stay far below what was allocated.
  const int rounds = UnderStress() ? 5 : 50;
  for (int r = 0; r < rounds; ++r) {
    [&]() __attribute__((noinline)) {
      mosaic_value list = MOSAIC_NIL;
      for (int i = 0; i < 1000; ++i) ASSERT_EQ(mosaic_alloc_pair(mosaic_fixnum(i), list, &list), MOSAIC_OK);
    }();
  }
  PreciseCollect();
  mosaic_gc_stats stats;
  ASSERT_EQ(mosaic_heap_stats(heap_, &stats), MOSAIC_OK);
  EXPECT_GE(stats.bytes_allocated, static_cast<uint64_t>(rounds) * 1000 * 16);
  EXPECT_LT(stats.live_bytes, static_cast<uint64_t>(rounds) * 1000 * 16 / 4);
}

}  // namespace
