#include "frontend/objects/datum_value.h"

#include <cstring>

#include "frontend/common/stack_check.h"
#include "frontend/objects/bignum.h"
#include "frontend/objects/objects.h"

namespace toylang {

using mosaic::Value;

Value DatumToValue(const Datum& d) {
  CheckStack();
  switch (d.kind) {
    case DatumKind::kFixnum: return Value::Fixnum(d.fixnum);
    case DatumKind::kFlonum: return MakeFlonum(d.flonum);
    case DatumKind::kBool: return Value::Bool(d.boolean);
    case DatumKind::kChar: return Value::Char(d.character);
    case DatumKind::kString: return MakeString(d.text);
    case DatumKind::kBignum: {
      Mpz z;
      mpz_set_str(z.get(), d.text.c_str(), 10);
      return MakeInteger(z.get());
    }
    case DatumKind::kBytevector: {
      Value b = MakeBytevector(d.text.size(), 0);
      if (!d.text.empty()) std::memcpy(BytevectorData(b), d.text.data(), d.text.size());
      return b;
    }
    case DatumKind::kSymbol: return Intern(d.text);
    case DatumKind::kVector: {
      Value v = MakeVector(d.items.size(), Value::False());
      for (size_t i = 0; i < d.items.size(); ++i) {
        Value item = DatumToValue(*d.items[i]);
        VectorSet(v, i, item);
      }
      return v;
    }
    case DatumKind::kList: {
      Value list = d.tail ? DatumToValue(*d.tail) : Value::Nil();
      for (size_t i = d.items.size(); i-- > 0;) {
        Value item = DatumToValue(*d.items[i]);
        list = Cons(item, list);
      }
      return list;
    }
  }
  return Value::Unspecified();
}

}  // namespace toylang
