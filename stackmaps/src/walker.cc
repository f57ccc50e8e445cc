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

uint64_t Load(uint64_t address) { return *reinterpret_cast<const uint64_t*>(address); }

// How much of a JIT frame's outgoing-argument area is scanned as part of the native callee's
// span: eight stack arguments, more than any runtime helper takes (toylang's tj_call has five).
constexpr uint64_t kNativeStackArgumentBytes = 64;

}  // namespace

void FatalUnregisteredActivation() {
  Fatal("CallJit or MOSAIC_JIT_EXIT_SCOPE on a thread that is not registered with a heap: "
        "register the thread (Heap::RegisterCurrentThread or MutatorScope) before running JIT "
        "code");
}

void HybridStackWalker::WalkStack(const ThreadStack& stack, RootVisitor& visitor) {
  const Bounds bounds{reinterpret_cast<uint64_t>(stack.top),
                      reinterpret_cast<uint64_t>(stack.base)};
  if (mode() == WalkMode::kConservative || stack.activations == nullptr) {
    visitor.VisitConservativeRange(stack.top, stack.base);
    return;
  }
  StackMapIndex::Reader reader(index_);
  uint64_t cursor = bounds.lo;  // everything below has been visited
  uint64_t frames = 0;
  // Deep recursion repeats one return address frame after frame: a one-entry cache in front of
  // the hash lookup.
  uint64_t cached_ra = 0;
  const Safepoint* cached = nullptr;
  const auto* record = static_cast<const Activation*>(stack.activations);
  while (record != nullptr) {
    // Records are not required to lie on the stack (under ASan's fake stacks they do not); the
    // kind words catch a dangling or overwritten link, the frame pointers carry the ordering.
    const uint64_t exit_at = reinterpret_cast<uint64_t>(record);
    if (exit_at % 8 != 0 || record->kind != kActivationExit) {
      Fatal("activation record at " + Hex(exit_at) + " has kind " +
            (exit_at % 8 != 0 ? std::string("?") : Hex(record->kind)) +
            " where a JIT->native exit record was expected: native code reached a collection "
            "from JIT code without MOSAIC_JIT_EXIT_SCOPE, or the list is corrupt");
    }
    const Activation* entry = record->prev;
    const uint64_t entry_at = reinterpret_cast<uint64_t>(entry);
    if (entry == nullptr || entry_at % 8 != 0 || entry->kind != kActivationEntry) {
      Fatal("exit record at " + Hex(exit_at) + " is not followed by a native->JIT entry record " +
            "(next: " + Hex(entry_at) + "): JIT code was entered without CallJit, or the list " +
            "is corrupt");
    }
    uint64_t fp = record->frame_pointer;
    if (fp == entry->frame_pointer) {  // JIT entry called straight into native code
      record = entry->prev;
      continue;
    }
    uint64_t sp = record->stack_pointer;
    if (sp == 0) {
      const FunctionEntry* fn = reader.FindFunction(record->function);
      if (fn == nullptr || fn->stack_size == kDynamicStackSize) {
        Fatal("exit record at " + Hex(exit_at) + " names function " + Hex(record->function) +
              ", which " + (fn == nullptr ? "has no registered stack map" : "has a dynamic frame") +
              ": cannot find the innermost JIT frame's stack pointer");
      }
      sp = fp + 8 - fn->stack_size;
    }
    if (!bounds.Contains(sp, 0) || sp < cursor || !bounds.Contains(fp, 16) || fp < sp ||
        fp >= entry->frame_pointer || !bounds.Contains(entry->frame_pointer, 16)) {
      Fatal("exit record at " + Hex(exit_at) + " gives frame pointer " + Hex(fp) +
            " and stack pointer " + Hex(sp) + ", not inside the stack between " + Hex(cursor) +
            " and the entry frame " + Hex(entry->frame_pointer));
    }
    uint64_t ra = record->return_address;
    if (ra == 0) {
      if (!bounds.Contains(sp - 8, 8)) {
        Fatal("return address slot below " + Hex(sp) + " is off-stack");
      }
      ra = Load(sp - 8);
    }
    // The native callee's own stack arguments lie just above `sp`, in the innermost JIT
    // frame's outgoing-argument area: no stack map slot covers them (they are dead in the JIT
    // caller once the call is made), yet the callee may still read them after a collection.
    // They are scanned conservatively with the native span, up to kNativeStackArgumentBytes and
    // never past the JIT frame's own frame pointer.
    const uint64_t native_end = std::min(sp + kNativeStackArgumentBytes, fp);
    visitor.VisitConservativeRange(reinterpret_cast<const void*>(cursor),
                                   reinterpret_cast<const void*>(native_end));
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
        visitor.VisitPrecise(Value::FromBits(Load(slot)));
      }
      for (int32_t off : safepoint->frame_offsets()) {
        const uint64_t slot = fp + static_cast<uint64_t>(static_cast<int64_t>(off));
        if (!bounds.Contains(slot, 8)) {
          Fatal("stack map slot RBP" + std::to_string(off) + " of return address " + Hex(ra) +
                " lies outside the stack");
        }
        visitor.VisitPrecise(Value::FromBits(Load(slot)));
      }
      ++frames;
      const uint64_t caller_fp = Load(fp);
      const uint64_t caller_ra = Load(fp + 8);
      if (caller_fp == entry->frame_pointer) break;  // fp is the outermost JIT frame of the run
      if (caller_fp <= fp || !bounds.Contains(caller_fp, 16) || caller_fp > entry->frame_pointer) {
        Fatal("frame-pointer chain broken in a JIT run: frame " + Hex(fp) +
              " (return address " + Hex(ra) + ", " + reader.Describe(ra) +
              ") saved caller frame pointer " + Hex(caller_fp) +
              ", which does not lead to the entry frame " + Hex(entry->frame_pointer) +
              " (is every JIT function compiled with frame-pointer=\"all\"?)");
      }
      sp = fp + 16;  // the caller's SP after the call returns
      fp = caller_fp;
      ra = caller_ra;
    }
    cursor = fp + 16;
    record = entry->prev;
  }
  visitor.VisitConservativeRange(reinterpret_cast<const void*>(cursor), stack.base);
  visitor.CountJitFrames(frames);
}

}  // namespace mosaic::stackmaps
