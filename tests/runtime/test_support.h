// Fixtures for the runtime tests, after cppgc's tests.h: a HeapTest that owns a heap, registers
// the test thread, and registers a few kinds; helpers to allocate without leaving the new object
// in the caller's frame, and to wipe dead stack below the caller.
#ifndef MOSAIC_TESTS_RUNTIME_TEST_SUPPORT_H_
#define MOSAIC_TESTS_RUNTIME_TEST_SUPPORT_H_

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "gtest/gtest.h"
#include "mosaic/heap.h"

namespace mosaic::testing {

// XOR-hides an address so that holding it in a variable does not keep the object alive.
inline constexpr uintptr_t kHideMask = 0x5a5a5a5a5a5a5a5aull;
inline uintptr_t Hide(Value v) { return v.bits() ^ kHideMask; }
inline Value Unhide(uintptr_t hidden) { return Value::FromBits(hidden ^ kHideMask); }

// Overwrites the stack below the caller's frame, so that values left there by finished calls
// (the callee frames of earlier helpers) do not act as conservative roots.
__attribute__((noinline)) inline void ClearStackBelow() {
  volatile char buffer[64 * 1024];
  std::memset(const_cast<char*>(buffer), 0, sizeof(buffer));
  asm volatile("" : : "r"(buffer) : "memory");
}

class HeapTest : public ::testing::Test {
 protected:
  void SetUp() override { CreateHeap(HeapOptions()); }
  void TearDown() override { DestroyHeap(); }

  void CreateHeap(HeapOptions options) {
    DestroyHeap();
    auto heap = Heap::Create(options);
    ASSERT_TRUE(heap.ok()) << heap.status();
    heap_ = *std::move(heap);
    ASSERT_TRUE(heap_->RegisterCurrentThread().ok());
    vector_kind_ = *heap_->RegisterKind({"vector", TracePolicy::kAllValues});
    bytes_kind_ = *heap_->RegisterKind({"bytes", TracePolicy::kNoReferences});
  }
  void DestroyHeap() {
    if (heap_ == nullptr) return;
    ASSERT_TRUE(heap_->UnregisterCurrentThread().ok());
    heap_.reset();
  }

  Heap& heap() { return *heap_; }
  bool IsLive(Value v) { return heap_->FindObject(v.ObjectAddress()) == v ||
                                heap_->FindObject(v.ObjectAddress()).bits() + 2 == v.bits(); }

  // A vector object of `n` value slots (aux = n).
  Value NewVector(size_t n) {
    void* p = Allocate(vector_kind_, 8 * (n + 1), n);
    return Value::Object(p);
  }
  static Value* Slots(Value vector) { return reinterpret_cast<Value*>(vector.ObjectWords() + 1); }

  void PreciseCollect() {
    ClearStackBelow();
    heap_->Collect();
  }

  std::unique_ptr<Heap> heap_;
  KindId vector_kind_ = 0;
  KindId bytes_kind_ = 0;
};

// True when MOSAIC_GC_OPTIONS turns generations off (the suites' .stress runs): tests of
// generations skip, since the environment's options override their own.
inline bool GenerationsForcedOff() {
  auto options = HeapOptions::FromEnvironment();
  return options.ok() && !options->generational;
}

// True when the suite runs under MOSAIC_GC_OPTIONS with stress set: heavy tests scale down.
inline bool UnderStress() {
  auto options = HeapOptions::FromEnvironment();
  return options.ok() && options->stress != 0;
}

}  // namespace mosaic::testing

#endif  // MOSAIC_TESTS_RUNTIME_TEST_SUPPORT_H_
