// The IR: what analysis produces from core forms and what the engines execute (the interpreter
// walks it; the JIT lowers it to LLVM IR).
//
// A typed tree. Every node has a SourcePos. Variables are already resolved:
//
//   - locals live in numbered slots of their procedure's frame (parameters first, then every
//     let/letrec binding of the procedure's body, each with its own slot; nested lambdas have
//     their own frames);
//   - variables of enclosing procedures are reached through the closure's captures (closure
//     conversion: a closure = code + captured values, in a heap object);
//   - globals are reached through the global's box (one per symbol, created by the runtime), so
//     a redefinition is visible to code compiled earlier.
//
// Assignment conversion: a variable that is assigned with set! *and* captured by a closure lives
// in a box (`boxed`): its slot or capture holds the box, and every reference and assignment goes
// through it. Uncaptured variables are assigned in place; unassigned captured ones are copied.
//
// letrec: bindings are initialised left to right. A closure created by a direct `(lambda ...)`
// init captures by value; when it captures a binding of the same letrec that is initialised at
// or after its own position, the init leaves a `fixup` that stores the binding's value into the
// closure's capture as soon as that binding is initialised. A letrec variable captured in any
// other way during the init phase is boxed. References to letrec variables check for the
// undefined value ("used before its definition").
//
// Node kinds (see the structs below for the fields):
//   kConst        a literal
//   kLocalRef     frame slot                         kLocalSet     frame slot := value
//   kCaptureRef   closure capture                    kCaptureSet   (always boxed) capture := value
//   kGlobalRef    global box (unbound -> error)      kGlobalSet    global := value (must be bound)
//                                                    kGlobalDefine global := value
//   kIf, kSeq
//   kLambda       creates a closure (captures listed in the node); a lifted lambda (below)
//                 bound by let/letrec creates nothing
//   kProcRef      a lambda's code without an environment: the operator of a call of a lifted
//                 lambda
//   kCall         tail: in tail position (the caller's frame may be reused);
//                 known: the callee is a let/letrec-bound lambda that is never assigned
//   kLet          bindings evaluated in order, outside each other's scope, then the body
//   kLetrec       letrec* semantics, with fixups as described above
//
// Lifted lambdas (frontend/analysis/lift.h, docs/design/closures.md): after Analyze, LiftProcedures
// may rewrite a let/letrec-bound lambda that is only ever called (never passed, stored, returned
// or assigned) so that it needs no closure: its free variables become extra parameters after its
// own (`lifted_params` of them; a boxed variable travels as its box), its `captures` are empty,
// and every call passes them, with a kProcRef operator. Such a binding makes no closure and
// leaves its slot undefined; nothing reads it.
//
// The IR is what analysis made and engines only read. What an engine attaches to a node (a
// procedure's record, a literal built on the heap, a global's box) lives in the engine's own
// side tables (frontend/engine/side_table.h), indexed by the numbers analysis gives those nodes
// (Lambda::id, Const::id, Global::id; see Numbering).
#ifndef TOYLANG_FRONTEND_ANALYSIS_IR_H_
#define TOYLANG_FRONTEND_ANALYSIS_IR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "frontend/common/error.h"
#include "frontend/reader/datum.h"
#include "mosaic/value.h"

namespace toylang::ir {

enum class NodeKind : uint8_t {
  kConst,
  kLocalRef,
  kCaptureRef,
  kGlobalRef,
  kLocalSet,
  kCaptureSet,
  kGlobalSet,
  kGlobalDefine,
  kIf,
  kSeq,
  kLambda,
  kProcRef,
  kCall,
  kLet,
  kLetrec,
};

struct Node {
  NodeKind kind;
  SourcePos pos;
  Node(NodeKind k, SourcePos p) : kind(k), pos(p) {}
  virtual ~Node() = default;
};
using NodePtr = std::unique_ptr<Node>;

// A literal. Immediates (fixnums, booleans, characters, '(), unspecified) are in `immediate`;
// anything else (strings, symbols, flonums, lists, vectors) is built from `datum` by the engine
// the first time it is needed and kept in the engine's rooted constant pool, by `id`.
struct Const : Node {
  DatumPtr datum;          // nullptr for the unspecified value
  bool is_immediate = false;
  mosaic::Value immediate;
  int id = -1;             // not immediate: this literal's number (Numbering); -1 otherwise
  explicit Const(SourcePos p) : Node(NodeKind::kConst, p) {}
};

// kLocalRef (frame slot `index`) and kCaptureRef (closure capture `index`).
struct VarRef : Node {
  int index = 0;
  bool boxed = false;
  bool check_defined = false;  // a letrec variable: error if still undefined
  std::string name;
  VarRef(NodeKind k, SourcePos p) : Node(k, p) {}
};

// kLocalSet and kCaptureSet.
struct VarSet : Node {
  int index = 0;
  bool boxed = false;
  std::string name;
  NodePtr value;
  VarSet(NodeKind k, SourcePos p) : Node(k, p) {}
};

// kGlobalRef, kGlobalSet, kGlobalDefine. Engines go through the global's box
// (GlobalBox(Intern(name))), which they find on first use and keep by `id`.
struct Global : Node {
  std::string name;
  int id = 0;     // the global's number (Numbering): the same in every node that names it
  NodePtr value;  // kGlobalSet / kGlobalDefine
  Global(NodeKind k, SourcePos p) : Node(k, p) {}
};

struct If : Node {
  NodePtr test, then, otherwise;
  explicit If(SourcePos p) : Node(NodeKind::kIf, p) {}
};

struct Seq : Node {
  std::vector<NodePtr> body;  // at least one
  explicit Seq(SourcePos p) : Node(NodeKind::kSeq, p) {}
};

// Where a new closure's capture comes from, in the frame of the code that creates it.
struct CaptureSource {
  bool from_capture = false;  // false: the creator's frame slot; true: the creator's capture
  int index = 0;
  std::string name;
};

struct Lambda : Node {
  std::string name;                  // "" when anonymous
  std::vector<std::string> params;   // required parameters: slots 0..params.size()-1
  bool has_rest = false;             // rest list in slot params.size()
  std::string rest;
  int frame_size = 0;                // slots needed by parameters and every local binding
  std::vector<CaptureSource> captures;  // the free variables, in capture-index order
  std::vector<int> boxed_params;     // parameter slots to wrap in a box on entry
  NodePtr body;
  int id = 0;                        // the procedure's number (Numbering)
  // Lifted (see the top of this file): no closure is ever made; the last `lifted_params` of
  // `params` are its free variables, passed by every call.
  bool lifted = false;
  int lifted_params = 0;
  explicit Lambda(SourcePos p) : Node(NodeKind::kLambda, p) {}
  int min_args() const { return static_cast<int>(params.size()); }
  int max_args() const { return has_rest ? -1 : static_cast<int>(params.size()); }
};

// kProcRef: `lambda`'s code with no environment. As a value (which LiftProcedures never makes
// it) it is a new closure without captures.
struct ProcRef : Node {
  const Lambda* lambda = nullptr;
  explicit ProcRef(SourcePos p) : Node(NodeKind::kProcRef, p) {}
};

struct Call : Node {
  NodePtr fn;
  std::vector<NodePtr> args;
  bool tail = false;
  const Lambda* known = nullptr;
  explicit Call(SourcePos p) : Node(NodeKind::kCall, p) {}
};

struct Binding {
  std::string name;
  int slot = 0;
  bool boxed = false;
  NodePtr init;
};

// After binding `value_binding` is initialised, store its value in capture `capture` of the
// closure held by binding `closure_binding`.
struct Fixup {
  int closure_binding = 0;
  int capture = 0;
  int value_binding = 0;
};

// kLet and kLetrec.
struct Let : Node {
  std::vector<Binding> bindings;
  std::vector<Fixup> fixups;  // kLetrec only, ordered by value_binding
  NodePtr body;
  Let(NodeKind k, SourcePos p) : Node(k, p) {}
};

// The numbers analysis gives the nodes that engines attach state to: every Lambda, every
// literal that is not an immediate, and every global name. They are dense from 0 over all the
// forms analysed with one Numbering, so an engine's side table for them is a vector; each
// engine's pipeline (frontend/engine/pipeline.h) keeps one Numbering for its whole life.
class Numbering {
 public:
  int NextLambdaId() { return lambdas_++; }
  int NextConstId() { return constants_++; }
  // The same number for every node that names `name`, in every form.
  int GlobalId(const std::string& name);

 private:
  int lambdas_ = 0;
  int constants_ = 0;
  absl::flat_hash_map<std::string, int> globals_;
};

// Casts with a kind check in debug builds.
template <typename T>
const T& As(const Node& n) {
  return static_cast<const T&>(n);
}

// An S-expression rendering of the tree, one line, for tests and debugging:
//   (lambda f (params n) (frame 1)
//     (if (call (global <) (local 0 n) (const 2)) (local 0 n) (tail-call ...)))
std::string Dump(const Node& node);

}  // namespace toylang::ir

#endif  // TOYLANG_FRONTEND_ANALYSIS_IR_H_
