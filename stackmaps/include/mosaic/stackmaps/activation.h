// Activation records: how a thread marks the boundaries between native frames and runs of JIT
// frames, so that the stack walker knows which spans of the stack hold JIT frames (visited
// precisely from stack maps) and which hold native frames (scanned conservatively).
//
// The records form a singly linked list, newest first, whose head is the current mutator's
// MutatorLayout::activations. The list alternates, from the head: exit, entry, exit, entry, ...
// An *entry* is pushed by the native code that calls into JIT code; an *exit* by the native
// function that JIT code calls (or by the JIT code itself just before such a call). Records
// live on the stack of the frame that pushed them and are popped before that frame returns.
//
// Native side, the usual way (both need a registered thread):
//
//   // Native -> JIT: call a JIT function pointer through CallJit (never directly).
//   uint64_t r = mosaic::stackmaps::CallJit(jit_fn, arg0, arg1);
//
//   // JIT -> native: a runtime helper that JIT code calls and that may collect starts with
//   extern "C" uint64_t toy_cons(uint64_t a, uint64_t b) {
//     MOSAIC_JIT_EXIT_SCOPE();
//     return mosaic::AllocatePair(Value::FromBits(a), Value::FromBits(b)).bits();
//   }
//
// The exact layout and the protocol for JIT code that writes records itself are in
// docs/design/stackmaps.md.
#ifndef MOSAIC_STACKMAPS_ACTIVATION_H_
#define MOSAIC_STACKMAPS_ACTIVATION_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mosaic/internal/mutator_layout.h"

namespace mosaic::stackmaps {

// Distinctive values so that the walker recognises a record overwritten by garbage.
inline constexpr uint64_t kActivationEntry = 0x6a69742d656e7472;  // "jit-entr"
inline constexpr uint64_t kActivationExit = 0x6a69742d65786974;   // "jit-exit"

// 48 bytes, 8-aligned. JIT code mirrors this layout (offsets below).
struct Activation {
  Activation* prev;
  uint64_t kind;  // kActivationEntry or kActivationExit
  // Entry: the frame pointer of the native frame that calls the outermost JIT frame (the value
  //   that JIT frame saves as its caller's RBP).
  // Exit: the frame pointer of the innermost JIT frame, the one making the call to native code.
  uint64_t frame_pointer;
  // Exit only: the innermost JIT frame's stack pointer just after its call returns; 0 when
  // unknown (a record written by JIT code), and then derived as frame_pointer + 8 - stack size
  // of `function`.
  uint64_t stack_pointer;
  // Exit only: the return address into the innermost JIT frame; 0 when unknown, and then read
  // from [stack_pointer - 8], where the call instruction pushed it.
  uint64_t return_address;
  // Exit only, when stack_pointer is 0: the entry address of the innermost JIT function.
  uint64_t function;
};
static_assert(sizeof(Activation) == 48);
inline constexpr size_t kActivationPrevOffset = offsetof(Activation, prev);
inline constexpr size_t kActivationKindOffset = offsetof(Activation, kind);
inline constexpr size_t kActivationFramePointerOffset = offsetof(Activation, frame_pointer);
inline constexpr size_t kActivationStackPointerOffset = offsetof(Activation, stack_pointer);
inline constexpr size_t kActivationReturnAddressOffset = offsetof(Activation, return_address);
inline constexpr size_t kActivationFunctionOffset = offsetof(Activation, function);

// Stops the process with a message: activation records need a registered thread.
[[noreturn]] void FatalUnregisteredActivation();

// The current thread's list head. Requires a registered thread.
inline Activation*& ActivationHead() {
  internal::MutatorLayout* m = internal::tls_mutator;
  if (__builtin_expect(m == nullptr, 0)) FatalUnregisteredActivation();
  return reinterpret_cast<Activation*&>(m->activations);
}

inline void PushActivation(Activation* record) {
  Activation*& head = ActivationHead();
  record->prev = head;
  head = record;
}

// Restores the head to what it was before `record` was pushed (also correct when an exception
// unwound past younger records without popping them).
inline void PopActivation(Activation* record) { ActivationHead() = record->prev; }

// Marks a JIT -> native exit for the lifetime of the scope. `native_frame` must be
// __builtin_frame_address(0) of the native function that JIT code called directly: that forces
// the function to keep a standard frame, whose [0] is the JIT caller's frame pointer and [1] the
// return address into it. Use MOSAIC_JIT_EXIT_SCOPE() rather than constructing one by hand.
class JitExitScope {
 public:
  explicit JitExitScope(void* native_frame) {
    auto* words = static_cast<const uint64_t*>(native_frame);
    record_.kind = kActivationExit;
    record_.frame_pointer = words[0];
    record_.return_address = words[1];
    record_.stack_pointer = reinterpret_cast<uint64_t>(native_frame) + 16;
    record_.function = 0;
    PushActivation(&record_);
  }
  ~JitExitScope() { PopActivation(&record_); }
  JitExitScope(const JitExitScope&) = delete;
  JitExitScope& operator=(const JitExitScope&) = delete;

 private:
  Activation record_;
};

#define MOSAIC_JIT_EXIT_SCOPE() \
  ::mosaic::stackmaps::JitExitScope mosaic_jit_exit_scope_(__builtin_frame_address(0))

// Calls the JIT function `fn` with an entry record pushed. Not inlined, so that its own frame
// (whose frame pointer the entry record holds) is the one that calls `fn`.
template <typename R, typename... Params, typename... Args>
[[gnu::noinline]] R CallJit(R (*fn)(Params...), Args... args) {
  Activation record;
  record.kind = kActivationEntry;
  record.frame_pointer = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  record.stack_pointer = 0;
  record.return_address = 0;
  record.function = reinterpret_cast<uint64_t>(fn);
  PushActivation(&record);
  // Popped by a destructor so that an exception leaving JIT code restores the list; the
  // destructor also keeps the call from becoming a tail call that would drop this frame.
  struct Pop {
    Activation* record;
    ~Pop() { PopActivation(record); }
  } pop{&record};
  return fn(static_cast<Params>(args)...);
}

}  // namespace mosaic::stackmaps

#endif  // MOSAIC_STACKMAPS_ACTIVATION_H_
