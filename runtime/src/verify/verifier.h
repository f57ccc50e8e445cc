// The heap verifier (verify=1): runs inside the pause before marking and after sweeping, and
// stops the process with a precise message at the first inconsistency:
//   - block metadata: magic, side-table state, size class, mark bits clear;
//   - every allocated object has a registered kind (pairs excepted);
//   - every reference in an allocated object, and every precise root (handles, globals, root
//     cells, objects awaiting finalization, and the precise slots the stack walker reports from
//     stack maps), lands on the start of an allocated object of the right shape (a pair tag on a
//     pair, an object tag on a non-pair; a stack slot may also hold an untagged start);
//   - every free cell, and every word of an empty block, still holds the poison the sweeper
//     wrote (or was never used: zero); mark bits (old objects) only on allocated cells;
//   - with generations, before a minor collection: every old-to-young reference lies on a dirty
//     card (VerifyRememberedSet).
#ifndef MOSAIC_SRC_VERIFY_VERIFIER_H_
#define MOSAIC_SRC_VERIFY_VERIFIER_H_

#include <string>
#include <vector>

#include "cards/card_table.h"
#include "finalizers/finalizer_queue.h"
#include "kinds/kind_table.h"
#include "roots/root_set.h"
#include "spaces/object_spaces.h"
#include "threads/mutator.h"

namespace mosaic::internal {

class Verifier {
 public:
  // What the verifier reads.
  struct Heap {
    const ObjectSpaces& spaces;
    const KindTable& kinds;
    RootSet& roots;
    const FinalizerQueue& finalizers;
    const CardTable& cards;
  };
  Verifier(const Heap& heap, const char* when) : heap_(heap), when_(when) {}
  void VerifyHeap(const std::vector<Mutator*>& mutators);
  // Before a minor collection: every old object that holds a reference to a young one has the
  // field's card dirty (the write barrier recorded the store). Names the object's kind and field.
  void VerifyRememberedSet();
  bool IsYoung(Value value) const;
  // Checks one reference; `what`, `holder` and `field` describe the slot for the message.
  // `untagged_start_ok`: an object tag on a pair's start is accepted (precise stack slots).
  void CheckReference(uint64_t word, const char* what, uintptr_t holder, size_t field,
                      bool untagged_start_ok = false);

 private:
  void VerifyBlock(BlockHeader* block, size_t index);
  void VerifyEmptyBlock(size_t index);
  void VerifyObject(uintptr_t start, size_t cell_words);
  void CheckRemembered(uintptr_t object, const KindDescriptor& kind, const uint64_t* field,
                       size_t index);

  const Heap heap_;
  const char* when_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_VERIFY_VERIFIER_H_
