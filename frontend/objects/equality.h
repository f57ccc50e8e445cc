// eqv? and equal?. eq? is Value identity (a == b).
#ifndef TOYLANG_FRONTEND_OBJECTS_EQUALITY_H_
#define TOYLANG_FRONTEND_OBJECTS_EQUALITY_H_

#include "frontend/objects/objects.h"

namespace toylang {

// eq?, plus: flonums with the same bits (so (eqv? +nan.0 +nan.0) is #t, (eqv? 0.0 -0.0) #f);
// strings are eqv? only to themselves (and "" to itself, not to another "").
bool Eqv(Value a, Value b);
// Structural equality of pairs, vectors and strings; eqv? on everything else (records and
// procedures included). Iterative (an explicit work list), so long lists and deep nesting do
// not overflow the C++ stack; terminates on cyclic structure too (R7RS), comparing it as the
// infinite tree it unfolds to.
bool Equal(Value a, Value b);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_EQUALITY_H_
