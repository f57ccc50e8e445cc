// The public API: Heap's methods and the current-thread functions, each a thin layer over the
// heap's components that turns misuse into a clear message.
#include "mosaic/heap.h"

#include "common/check.h"
#include "heap/heap_impl.h"

namespace mosaic {

using internal::CurrentMutator;
using internal::Fatal;
using internal::HeapImpl;
using internal::Mutator;

namespace {

Mutator* RequireMutator(const char* what) {
  Mutator* m = CurrentMutator();
  if (m == nullptr) {
    Fatal("%s called on a thread that is not registered with a heap; call "
          "Heap::RegisterCurrentThread (or use MutatorScope) first",
          what);
  }
  return m;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Heap>> Heap::Create(const HeapOptions& given) {
  HeapOptions options = given;
  if (options.read_environment) {
    auto from_env = HeapOptions::FromEnvironment(options);
    if (!from_env.ok()) return from_env.status();
    options = *std::move(from_env);
  }
  auto heap = std::unique_ptr<Heap>(new Heap(nullptr));
  auto impl = HeapImpl::Create(heap.get(), options);
  if (!impl.ok()) return impl.status();
  heap->impl_ = *std::move(impl);
  return heap;
}

absl::StatusOr<std::unique_ptr<Heap>> Heap::Create() { return Create(HeapOptions()); }

Heap::Heap(std::unique_ptr<internal::HeapImpl> impl) : impl_(std::move(impl)) {}
Heap::~Heap() = default;

const HeapOptions& Heap::options() const { return impl_->options(); }
absl::StatusOr<KindId> Heap::RegisterKind(const KindDescriptor& kind) {
  return impl_->kinds().Register(kind);
}
const KindDescriptor* Heap::FindKind(KindId id) const { return impl_->kinds().Find(id); }
absl::Status Heap::RegisterCurrentThread() { return impl_->RegisterCurrentThread(); }
absl::Status Heap::UnregisterCurrentThread() { return impl_->UnregisterCurrentThread(); }
size_t Heap::RegisteredThreadCount() const { return impl_->threads().Count(); }

void Heap::Collect(CollectionKind kind) {
  Mutator* m = RequireMutator("Heap::Collect");
  MOSAIC_CHECK(m->heap == impl_.get(), "Heap::Collect called on a thread registered with another "
                                       "heap");
  impl_->collector().Collect(m, CollectReason::kExplicit, kind);
}

void Heap::AddGlobalRoot(Value* slot) { impl_->roots().AddGlobal(slot); }
void Heap::RemoveGlobalRoot(Value* slot) { impl_->roots().RemoveGlobal(slot); }
RootCell* Heap::NewRootCell(Value initial) { return impl_->roots().cells().Allocate(initial); }
void Heap::FreeRootCell(RootCell* cell) { impl_->roots().cells().Free(cell); }
size_t Heap::LiveRootCellCount() const { return impl_->roots().cells().live(); }
WeakRootCell* Heap::NewWeakRootCell(Value initial) {
  return reinterpret_cast<WeakRootCell*>(impl_->roots().weak_cells().Allocate(initial));
}
void Heap::FreeWeakRootCell(WeakRootCell* cell) { impl_->roots().weak_cells().Free(cell->cell()); }
size_t Heap::LiveWeakRootCellCount() const { return impl_->roots().weak_cells().live(); }

void Heap::RegisterFinalizer(Value object, Finalizer finalizer) {
  MOSAIC_CHECK(impl_->spaces().IsObjectStart(object),
               "RegisterFinalizer: %#x is not a reference to an allocated object",
               object.bits());
  impl_->finalizers().Register(object, std::move(finalizer));
}
void Heap::RunPendingFinalizers() {
  impl_->collector().RunFinalizers(RequireMutator("Heap::RunPendingFinalizers"));
}
size_t Heap::PendingFinalizerCount() const { return impl_->finalizers().QueuedCount(); }
void Heap::SetStackWalker(StackWalker* walker) { impl_->roots().SetStackWalker(walker); }
GcStats Heap::Stats() const { return impl_->Stats(); }
int Heap::AddEventListener(EventListener listener) {
  return impl_->stats().AddListener(std::move(listener));
}
void Heap::RemoveEventListener(int id) { impl_->stats().RemoveListener(id); }

bool Heap::Contains(const void* address) const {
  return impl_->spaces().layout().InReservation(reinterpret_cast<uintptr_t>(address));
}

Value Heap::FindObject(const void* address) const {
  internal::ObjectLocation loc;
  if (!impl_->spaces().Locate(reinterpret_cast<uintptr_t>(address), &loc)) return Value();
  return loc.is_pair() ? Value::Pair(reinterpret_cast<void*>(loc.start))
                       : Value::Object(reinterpret_cast<void*>(loc.start));
}

size_t Heap::CellSize(Value object) const {
  internal::ObjectLocation loc;
  MOSAIC_CHECK(object.IsHeapReference() &&
                   impl_->spaces().Locate(reinterpret_cast<uintptr_t>(object.ObjectAddress()),
                                          &loc),
               "CellSize: %#x is not a reference to an allocated object", object.bits());
  return loc.cell_bytes();
}

const volatile uint32_t* Heap::SafepointFlagAddress() const {
  return impl_->threads().safepoint_flag();
}

std::atomic<uint32_t>* Heap::EmbedderPollWord() const {
  return impl_->threads().embedder_poll_word();
}

MutatorScope::MutatorScope(Heap& heap) : heap_(heap) {
  absl::Status status = heap_.RegisterCurrentThread();
  MOSAIC_CHECK(status.ok(), "MutatorScope: %s", status.ToString());
}

MutatorScope::~MutatorScope() {
  absl::Status status = heap_.UnregisterCurrentThread();
  MOSAIC_CHECK(status.ok(), "~MutatorScope: %s", status.ToString());
}

bool IsCurrentThreadRegistered() { return CurrentMutator() != nullptr; }

Heap* CurrentHeap() {
  Mutator* m = CurrentMutator();
  return m == nullptr ? nullptr : m->heap->owner();
}

void Collect() {
  Mutator* m = RequireMutator("Collect");
  m->heap->collector().Collect(m, CollectReason::kExplicit, CollectionKind::kMajor);
}

void Safepoint() {
  Mutator* m = RequireMutator("Safepoint");
  // A relaxed atomic load: what JIT code's plain load is, said so that sanitizers agree.
  if (__atomic_load_n(m->layout->safepoint_flag, __ATOMIC_RELAXED) != 0) {
    m->heap->threads().SafepointSlow(m);
  }
}

#if defined(__x86_64__)
}  // namespace mosaic

// EnterNative itself spills the caller's registers (see MOSAIC_SPILLING_ENTRY).
extern "C" __attribute__((visibility("hidden"), used)) void MosaicEnterNativeSpilled(
    const uintptr_t* registers) {
  using namespace mosaic;
  Mutator* m = RequireMutator("EnterNative");
  m->heap->threads().EnterNative(m, registers);
}
MOSAIC_SPILLING_ENTRY("_ZN6mosaic11EnterNativeEv", "MosaicEnterNativeSpilled");

namespace mosaic {
#else
void EnterNative() {
  Mutator* m = RequireMutator("EnterNative");
  m->heap->threads().EnterNative(m);
}
#endif

void LeaveNative() {
  Mutator* m = RequireMutator("LeaveNative");
  m->heap->threads().LeaveNative(m);
}

NoGcScope::NoGcScope() { ++RequireMutator("NoGcScope")->no_gc_depth; }
NoGcScope::~NoGcScope() { --CurrentMutator()->no_gc_depth; }

HandleScope::HandleScope()
    : mutator_(RequireMutator("HandleScope")), saved_top_(mutator_->handle_top) {}

HandleScope::~HandleScope() {
  MOSAIC_DCHECK(mutator_->handle_top >= saved_top_, "handle scopes closed out of order");
  mutator_->handle_top = saved_top_;
}

Handle::Handle(Value value) : slot_(RequireMutator("Handle")->NewHandleSlot()) { *slot_ = value; }

namespace internal {

void* AllocateSlow(int size_class, size_t bytes, uint16_t kind, uint64_t aux, bool may_fail) {
  Mutator* m = RequireMutator("Allocate");
  MOSAIC_DCHECK(m->heap->kinds().Find(kind) != nullptr && kind != kPairKind,
                "Allocate: kind %d is not registered", kind);
  MOSAIC_CHECK(aux <= ObjectHeader::kAuxMax, "Allocate: aux %#x does not fit in 48 bits", aux);
  Allocator& allocator = m->heap->allocator();
  void* p = size_class >= 0 ? allocator.AllocateSmall(m, size_class, may_fail)
                            : allocator.AllocateLarge(m, bytes, may_fail);
  if (p != nullptr) *static_cast<uint64_t*>(p) = ObjectHeader::Make(kind, aux);
  return p;
}

void* AllocatePairSlow() {
  Mutator* m = RequireMutator("AllocatePair");
  return m->heap->allocator().AllocateSmall(m, kPairClass, /*may_fail=*/false);
}

}  // namespace internal
}  // namespace mosaic
