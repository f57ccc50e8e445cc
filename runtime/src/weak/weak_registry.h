// Every weak pair, ephemeron and guardian of a heap, so that a collection can clear and
// resurrect without searching the heap for them. Weak pairs and ephemerons are recorded by
// address when they are made and forgotten once a collection finds them dead; a guardian is a
// small heap object naming an entry here, which holds its registrations (objects held weakly)
// and its queue of resurrected objects (held strongly: roots, like queued finalizers).
//
// Order inside a pause (collector/collector.cc): ForEachQueued (roots); marking and the
// ephemeron fixpoint; ClearWeak; ResurrectGuarded; finalizers; ClearWeak again (for weak objects
// that only resurrection kept); PruneDead. The mutator side (Add*, Register, Take) takes the
// registry's own lock.
#ifndef MOSAIC_SRC_WEAK_WEAK_REGISTRY_H_
#define MOSAIC_SRC_WEAK_WEAK_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "mosaic/value.h"

namespace mosaic::internal {

class WeakRegistry {
 public:
  WeakRegistry() = default;
  WeakRegistry(const WeakRegistry&) = delete;
  WeakRegistry& operator=(const WeakRegistry&) = delete;

  // --- Mutators ------------------------------------------------------------------------------
  void AddWeakPair(Value weak_pair);
  void AddEphemeron(Value ephemeron);
  // A new guardian entry for the guardian object `guardian` (which stores the returned id).
  uint64_t AddGuardian(Value guardian);
  void Register(uint64_t guardian, Value object);
  // The next queued object of `guardian`, or false.
  bool Take(uint64_t guardian, Value* object);

  // --- Inside the pause ----------------------------------------------------------------------
  // Roots: every object queued on a live guardian.
  void ForEachQueued(absl::FunctionRef<void(Value object)> visit);
  // Clears the weak fields of weak pairs and ephemerons that `is_marked` says are live and whose
  // target (key) it says is dead: they then hold Value::BrokenWeak(). Returns how many it cleared.
  uint64_t ClearWeak(absl::FunctionRef<bool(Value)> is_marked);
  // For each live guardian (its object marked), moves the registered objects that are unmarked
  // to its queue and calls keep(object) for each; drops the entries of dead guardians. Returns
  // how many objects were resurrected.
  uint64_t ResurrectGuarded(absl::FunctionRef<bool(Value)> is_marked,
                            absl::FunctionRef<void(Value object)> keep);
  // Forgets weak pairs and ephemerons that are dead after everything was marked.
  void PruneDead(absl::FunctionRef<bool(Value)> is_marked);

  size_t weak_objects() const;

 private:
  struct Guardian {
    Value object;  // the guardian heap object (weakly: a dead guardian is dropped)
    std::vector<Value> registered;  // held weakly
    std::deque<Value> queued;       // held strongly until taken
    bool in_use = false;
  };

  mutable std::mutex mu_;
  std::vector<Value> weak_pairs_ ABSL_GUARDED_BY(mu_);
  std::vector<Value> ephemerons_ ABSL_GUARDED_BY(mu_);
  std::vector<Guardian> guardians_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> free_guardians_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_WEAK_WEAK_REGISTRY_H_
