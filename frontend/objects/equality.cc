#include "frontend/objects/equality.h"

#include <cstring>
#include <utility>
#include <vector>

namespace toylang {

bool Eqv(Value a, Value b) {
  if (a == b) return true;
  if (IsFlonum(a) && IsFlonum(b)) {
    double x = FlonumValue(a), y = FlonumValue(b);
    return std::memcmp(&x, &y, sizeof x) == 0;
  }
  return false;
}

bool Equal(Value a, Value b) {
  // An explicit work list instead of recursion, so neither long lists nor deep car-nesting can
  // overflow the C++ stack. Holding Values in a std::vector is safe here only because nothing
  // below allocates on the heap (no collection can run), and a and b keep everything reachable.
  std::vector<std::pair<Value, Value>> pending;
  for (;;) {
    bool same;
    if (Eqv(a, b)) {
      same = true;
    } else if (a.IsPair() && b.IsPair()) {
      pending.emplace_back(Cdr(a), Cdr(b));
      a = Car(a);
      b = Car(b);
      continue;
    } else if (IsString(a) && IsString(b)) {
      same = StringView(a) == StringView(b);
    } else if (IsVector(a) && IsVector(b)) {
      size_t n = VectorLength(a);
      same = n == VectorLength(b);
      if (same) {
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
