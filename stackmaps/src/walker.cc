// The walk runs inside the collector's pause: it allocates nothing and never guesses. Every
// pointer read from the stack (activation records, saved frame pointers, slots) is checked
// against the thread's stack bounds first, so a broken protocol ends in a message, not a crash.
#include "mosaic/stackmaps/walker.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "mosaic/stackmaps/activation.h"
#include "mosaic/stackmaps/section.h"

namespace mosaic::stackmaps {
namespace {

[[noreturn]] void Fatal(const std::string& message) {
  std::fprintf(stderr, "mosaic stackmaps: fatal: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string Hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

struct Bounds {
  uint64_t lo;  // ThreadStack::top
  uint64_t hi;  // ThreadStack::base
  bool Contains(uint64_t address, uint64_t bytes) const {
    return address >= lo && address <= hi && hi - address >= bytes && address % 8 == 0;
  }
};

// How much of a JIT frame's outgoing-argument area is scanned as part of the native callee's
// span: eight stack arguments, more than any runtime helper takes (toylang's tj_call has five).
constexpr uint64_t kNativeStackArgumentBytes = 64;

}  // namespace

void FatalUnregisteredActivation() {
  Fatal("CallJit or MOSAIC_JIT_EXIT_SCOPE on a thread that is not registered with a heap: "
        "register the thread (Heap::RegisterCurrentThread or MutatorScope) before running JIT "
        "code");
}

namespace {

// How the walk reads the stack: the live stack itself, or a copy of [lo, hi) taken earlier
// (a captured continuation's segment), every address translated into the copy. Records and
// frame pointers keep their original addresses; only the reads move.
struct LiveStack {
  uint64_t Load(uint64_t address) const { return *reinterpret_cast<const uint64_t*>(address); }
  const void* At(uint64_t address) const { return reinterpret_cast<const void*>(address); }
  // The live stack's records may lie off the stack (ASan's fake stacks): follow them all.
  bool Beyond(uint64_t) const { return false; }
};

struct CopiedStack {
  uint64_t lo;
  uint64_t hi;
  const char* copy;
  uint64_t Load(uint64_t address) const {
    return *reinterpret_cast<const uint64_t*>(copy + (address - lo));
  }
  const void* At(uint64_t address) const { return copy + (address - lo); }
  // The segment ends at its evaluation's base; older records belong to frames outside it.
  bool Beyond(uint64_t record) const { return record < lo || record >= hi; }
};

template <typename Mem>
void Walk(const StackMapIndex& index, const ThreadStack& stack, RootVisitor& visitor,
          const Mem& mem) {
  const Bounds bounds{reinterpret_cast<uint64_t>(stack.top),
                      reinterpret_cast<uint64_t>(stack.base)};
  StackMapIndex::Reader reader(index);
  uint64_t cursor = bounds.lo;  // everything below has been visited
  uint64_t frames = 0;
  // Deep recursion repeats one return address frame after frame: a one-entry cache in front of
  // the hash lookup.
  uint64_t cached_ra = 0;
  const Safepoint* cached = nullptr;
  uint64_t exit_at = reinterpret_cast<uint64_t>(stack.activations);
  while (exit_at != 0 && !mem.Beyond(exit_at)) {
    // Records are not required to lie on the stack (under ASan's fake stacks they do not); the
    // kind words catch a dangling or overwritten link, the frame pointers carry the ordering.
    if (exit_at % 8 != 0 || mem.Load(exit_at + kActivationKindOffset) != kActivationExit) {
      Fatal("activation record at " + Hex(exit_at) + " has kind " +
            (exit_at % 8 != 0 ? std::string("?") : Hex(mem.Load(exit_at + kActivationKindOffset))) +
            " where a JIT->native exit record was expected: native code reached a collection "
            "from JIT code without MOSAIC_JIT_EXIT_SCOPE, or the list is corrupt");
    }
    const uint64_t entry_at = mem.Load(exit_at + kActivationPrevOffset);
    if (entry_at == 0 || entry_at % 8 != 0 || mem.Beyond(entry_at) ||
        mem.Load(entry_at + kActivationKindOffset) != kActivationEntry) {
      Fatal("exit record at " + Hex(exit_at) + " is not followed by a native->JIT entry record " +
            "(next: " + Hex(entry_at) + "): JIT code was entered without CallJit, or the list " +
            "is corrupt");
    }
    const uint64_t entry_fp = mem.Load(entry_at + kActivationFramePointerOffset);
    uint64_t fp = mem.Load(exit_at + kActivationFramePointerOffset);
    if (fp == entry_fp) {  // JIT entry called straight into native code
      exit_at = mem.Load(entry_at + kActivationPrevOffset);
      continue;
    }
    uint64_t sp = mem.Load(exit_at + kActivationStackPointerOffset);
    if (sp == 0) {
      const uint64_t function = mem.Load(exit_at + kActivationFunctionOffset);
      const FunctionEntry* fn = reader.FindFunction(function);
      if (fn == nullptr || fn->stack_size == kDynamicStackSize) {
        Fatal("exit record at " + Hex(exit_at) + " names function " + Hex(function) +
              ", which " + (fn == nullptr ? "has no registered stack map" : "has a dynamic frame") +
              ": cannot find the innermost JIT frame's stack pointer");
      }
      sp = fp + 8 - fn->stack_size;
    }
    if (!bounds.Contains(sp, 0) || sp < cursor || !bounds.Contains(fp, 16) || fp < sp ||
        fp >= entry_fp || !bounds.Contains(entry_fp, 16)) {
      Fatal("exit record at " + Hex(exit_at) + " gives frame pointer " + Hex(fp) +
            " and stack pointer " + Hex(sp) + ", not inside the stack between " + Hex(cursor) +
            " and the entry frame " + Hex(entry_fp));
    }
    uint64_t ra = mem.Load(exit_at + kActivationReturnAddressOffset);
    if (ra == 0) {
      if (!bounds.Contains(sp - 8, 8)) {
        Fatal("return address slot below " + Hex(sp) + " is off-stack");
      }
      ra = mem.Load(sp - 8);
    }
    // The native callee's own stack arguments lie just above `sp`, in the innermost JIT
    // frame's outgoing-argument area: no stack map slot covers them (they are dead in the JIT
    // caller once the call is made), yet the callee may still read them after a collection.
    // They are scanned conservatively with the native span, up to kNativeStackArgumentBytes and
    // never past the JIT frame's own frame pointer.
    const uint64_t native_end = std::min(sp + kNativeStackArgumentBytes, fp);
    if (native_end > cursor) visitor.VisitConservativeRange(mem.At(cursor), mem.At(native_end));
    for (;;) {
      const Safepoint* safepoint = ra == cached_ra ? cached : reader.Find(ra);
      cached_ra = ra;
      cached = safepoint;
      if (safepoint == nullptr) {
        Fatal("no stack map record for return address " + Hex(ra) + " in a JIT frame (frame "
              "pointer " + Hex(fp) + "); " + reader.Describe(ra) +
              ". Every call from JIT code that can reach a collection must be a gc.statepoint, "
              "and its code must stay registered while a frame can return into it");
      }
      for (int32_t off : safepoint->base_offsets()) {
        const uint64_t slot = sp + static_cast<uint64_t>(off);
        if (!bounds.Contains(slot, 8)) {
          Fatal("stack map slot SP+" + std::to_string(off) + " of return address " + Hex(ra) +
                " lies outside the stack");
        }
        visitor.VisitPrecise(Value::FromBits(mem.Load(slot)));
      }
      for (int32_t off : safepoint->frame_offsets()) {
        const uint64_t slot = fp + static_cast<uint64_t>(static_cast<int64_t>(off));
        if (!bounds.Contains(slot, 8)) {
          Fatal("stack map slot RBP" + std::to_string(off) + " of return address " + Hex(ra) +
                " lies outside the stack");
        }
        visitor.VisitPrecise(Value::FromBits(mem.Load(slot)));
      }
      ++frames;
      const uint64_t caller_fp = mem.Load(fp);
      const uint64_t caller_ra = mem.Load(fp + 8);
      if (caller_fp == entry_fp) break;  // fp is the outermost JIT frame of the run
      if (caller_fp <= fp || !bounds.Contains(caller_fp, 16) || caller_fp > entry_fp) {
        Fatal("frame-pointer chain broken in a JIT run: frame " + Hex(fp) +
              " (return address " + Hex(ra) + ", " + reader.Describe(ra) +
              ") saved caller frame pointer " + Hex(caller_fp) +
              ", which does not lead to the entry frame " + Hex(entry_fp) +
              " (is every JIT function compiled with frame-pointer=\"all\"?)");
      }
      sp = fp + 16;  // the caller's SP after the call returns
      fp = caller_fp;
      ra = caller_ra;
    }
    cursor = fp + 16;
    exit_at = mem.Load(entry_at + kActivationPrevOffset);
  }
  if (bounds.hi > cursor) visitor.VisitConservativeRange(mem.At(cursor), mem.At(bounds.hi));
  visitor.CountJitFrames(frames);
}

}  // namespace

void HybridStackWalker::WalkStack(const ThreadStack& stack, RootVisitor& visitor) {
  if (mode() == WalkMode::kConservative || stack.activations == nullptr) {
    visitor.VisitConservativeRange(stack.top, stack.base);
    return;
  }
  Walk(index_, stack, visitor, LiveStack{});
}

void HybridStackWalker::WalkCopy(const ThreadStack& original, const void* copy,
                                 RootVisitor& visitor) const {
  const auto lo = reinterpret_cast<uint64_t>(original.top);
  const auto hi = reinterpret_cast<uint64_t>(original.base);
  if (mode() == WalkMode::kConservative || original.activations == nullptr) {
    visitor.VisitConservativeRange(copy, static_cast<const char*>(copy) + (hi - lo));
    return;
  }
  Walk(index_, original, visitor, CopiedStack{lo, hi, static_cast<const char*>(copy)});
}

}  // namespace mosaic::stackmaps
