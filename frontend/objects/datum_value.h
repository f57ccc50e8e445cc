// Turning a reader datum (a quoted constant) into a heap value, for both engines.
#ifndef TOYLANG_OBJECTS_DATUM_VALUE_H_
#define TOYLANG_OBJECTS_DATUM_VALUE_H_

#include "frontend/reader/datum.h"
#include "mosaic/value.h"

namespace toylang {

// Builds the value a quoted datum denotes, on the current thread's heap (the current Runtime).
// Allocates; every intermediate value stays on this C++ stack, where the conservative scan sees
// it. Deep nesting is checked with CheckStack.
mosaic::Value DatumToValue(const Datum& datum);

}  // namespace toylang

#endif  // TOYLANG_OBJECTS_DATUM_VALUE_H_
