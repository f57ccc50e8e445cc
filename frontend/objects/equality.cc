#include "frontend/objects/equality.h"

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "frontend/objects/bignum.h"

namespace toylang {

bool Eqv(Value a, Value b) {
  if (a == b) return true;
  if (IsFlonum(a) && IsFlonum(b)) {
    double x = FlonumValue(a), y = FlonumValue(b);
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  if (IsBignum(a) && IsBignum(b)) return BignumEqual(a, b);
  return false;
}

namespace {

// Visits of pairs and vectors made without any bookkeeping before Equal starts recording
// which of them it has compared. Almost every comparison a program makes ends well within it,
// so the common, acyclic case pays nothing for cycle safety.
constexpr uint64_t kFastVisits = 100'000;

// Disjoint sets of pairs and vectors (by identity) that Equal has assumed equal: union-find
// with path halving and union by size. Sound for equal? as in Adams & Dybvig, "Efficient
// nondestructive equality checking for trees and graphs" (ICFP 2008): every pair of objects
// put into one set is also compared field by field, so if no comparison fails the sets are a
// bisimulation up to equivalence (Hopcroft & Karp), and equal? is the largest such relation.
class EquivalenceSets {
 public:
  // Whether a and b are already in one set; if not, joins their sets (and the caller must
  // compare their fields).
  bool SameOrUnite(Value a, Value b) {
    const uint64_t ra = Find(a.bits());
    const uint64_t rb = Find(b.bits());  // may rehash: look the roots up again below
    if (ra == rb) return true;
    Node& na = nodes_.find(ra)->second;
    Node& nb = nodes_.find(rb)->second;
    const bool a_smaller = na.size < nb.size;
    Node& small = a_smaller ? na : nb;
    Node& large = a_smaller ? nb : na;
    small.parent = a_smaller ? rb : ra;
    large.size += small.size;
    return false;
  }

 private:
  struct Node {
    uint64_t parent;  // the key itself for a set's root
    uint64_t size;    // of the set, at its root
  };

  // The root of key's set, adding key as a set of its own when it is new.
  uint64_t Find(uint64_t key) {
    nodes_.try_emplace(key, Node{key, 1});
    while (true) {
      Node& n = nodes_.find(key)->second;
      if (n.parent == key) return key;
      const uint64_t grandparent = nodes_.find(n.parent)->second.parent;
      n.parent = grandparent;  // path halving
      key = grandparent;
    }
  }

  absl::flat_hash_map<uint64_t, Node> nodes_;
};

}  // namespace

bool Equal(Value a, Value b) {
  // An explicit work list instead of recursion, so neither long lists nor deep car-nesting can
  // overflow the C++ stack. Holding Values in a std::vector is safe here only because nothing
  // below allocates on the heap (no collection can run), and a and b keep everything reachable.
  //
  // Cycles: for the first kFastVisits pairs and vectors the comparison is the plain tree walk.
  // Past that the structures are big or cyclic, and every pair and vector compared is recorded
  // in `sets`; a pair of objects already known (or assumed) equal is not compared again, so a
  // cycle is followed at most once around the product of the two structures.
  std::vector<std::pair<Value, Value>> pending;
  uint64_t visits = 0;
  EquivalenceSets sets;
  for (;;) {
    bool same;
    if (Eqv(a, b)) {
      same = true;
    } else if (a.IsPair() && b.IsPair()) {
      if (++visits > kFastVisits && sets.SameOrUnite(a, b)) {
        same = true;
      } else {
        pending.emplace_back(Cdr(a), Cdr(b));
        a = Car(a);
        b = Car(b);
        continue;
      }
    } else if (IsString(a) && IsString(b)) {
      same = StringView(a) == StringView(b);
    } else if (IsBytevector(a) && IsBytevector(b)) {
      same = BytevectorLength(a) == BytevectorLength(b) &&
             std::memcmp(BytevectorData(a), BytevectorData(b), BytevectorLength(a)) == 0;
    } else if (IsVector(a) && IsVector(b)) {
      size_t n = VectorLength(a);
      same = n == VectorLength(b);
      if (same && !(++visits > kFastVisits && sets.SameOrUnite(a, b))) {
        for (size_t i = n; i-- > 0;) pending.emplace_back(VectorRef(a, i), VectorRef(b, i));
      }
    } else {
      same = false;
    }
    if (!same) return false;
    if (pending.empty()) return true;
    std::tie(a, b) = pending.back();
    pending.pop_back();
  }
}

}  // namespace toylang
