// Each global variable's box (GlobalBox(Intern(name))), found the first time an engine needs it
// and then kept by the global's number (ir::Global::id): how both engines, and the JIT's
// lowering, reach globals. Keeping boxes outside the heap is safe: every global's box is
// reachable from its symbol, which the runtime's symbol table roots, and objects never move.
#ifndef TOYLANG_FRONTEND_ENGINE_GLOBAL_BOXES_H_
#define TOYLANG_FRONTEND_ENGINE_GLOBAL_BOXES_H_

#include "frontend/analysis/ir.h"
#include "frontend/engine/side_table.h"
#include "frontend/objects/heap_mutex.h"
#include "frontend/objects/objects.h"

namespace toylang {

class GlobalBoxes {
 public:
  // The box of `g`'s global. The first time, this may allocate (the symbol, the box), so it may
  // collect; it needs a registered thread with the engine's runtime current (setup.h). Any
  // such thread: the first lookup is made under a lock.
  Value For(const ir::Global& g) {
    Value box = boxes_.Find(g.id);
    if (box.bits() == 0) {
      HeapMutexLock lock(mu_);
      box = boxes_.Find(g.id);
      if (box.bits() == 0) {
        box = GlobalBox(Intern(g.name));
        boxes_.Set(g.id, box);
      }
    }
    return box;
  }

  // The box if For() has found it before, else a Value whose bits are 0. Never allocates: for
  // fast paths.
  Value Found(const ir::Global& g) const { return boxes_.Find(g.id); }

 private:
  SideTable<Value> boxes_;
  HeapMutex mu_;  // serialises For's slow path (SideTable's writers)
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ENGINE_GLOBAL_BOXES_H_
