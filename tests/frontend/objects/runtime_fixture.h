// A test fixture for the object model and the built-ins: a Mosaic heap, this thread registered
// with it, a toylang::Runtime with every built-in installed, a fake CallContext (Apply calls
// primitives directly, the way an engine would), and a tiny datum reader so that tests can write
// their data as text: R("(1 (2 . 3) #(4 \"x\"))").
#ifndef TOYLANG_TESTS_FRONTEND_OBJECTS_RUNTIME_FIXTURE_H_
#define TOYLANG_TESTS_FRONTEND_OBJECTS_RUNTIME_FIXTURE_H_

#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "frontend/builtins/builtins.h"
#include "frontend/common/error.h"
#include "frontend/objects/objects.h"
#include "frontend/objects/printer.h"
#include "frontend/objects/runtime.h"
#include "gtest/gtest.h"
#include "mosaic/heap.h"

namespace toylang::testing {

// Calls primitives like an engine: checks the argument count first, then calls the function.
class FakeContext : public CallContext {
 public:
  Value Apply(Value procedure, const Value* args, int argc) override {
    ++apply_calls;
    if (!IsPrimitive(procedure)) throw Error("test context: can only apply primitives");
    const Builtin* b = PrimitiveBuiltin(procedure);
    if (argc < b->min_args || (b->max_args >= 0 && argc > b->max_args)) {
      throw Error(ArityErrorMessage(*b, argc));
    }
    return b->fn(*this, args, argc);
  }
  std::ostream& out() override { return out_; }
  std::string TakeOutput() {
    std::string s = out_.str();
    out_.str("");
    return s;
  }
  int apply_calls = 0;

 private:
  std::ostringstream out_;
};

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto heap = mosaic::Heap::Create(mosaic::HeapOptions{});
    ASSERT_TRUE(heap.ok()) << heap.status();
    heap_ = std::move(*heap);
    ASSERT_TRUE(heap_->RegisterCurrentThread().ok());
    auto rt = Runtime::Create(*heap_);
    ASSERT_TRUE(rt.ok()) << rt.status();
    runtime_ = std::move(*rt);
    InstallBuiltins();
  }

  void TearDown() override {
    runtime_.reset();
    if (heap_ != nullptr) {
      (void)heap_->UnregisterCurrentThread();
      heap_.reset();
    }
  }

  // The global procedure `name` (a primitive).
  Value Proc(std::string_view name) { return BoxRef(GlobalBox(Intern(name))); }

  // Calls built-in `name` with `args` (held in the initializer list's array on this stack).
  Value Call(std::string_view name, std::initializer_list<Value> args) {
    return ctx_.Apply(Proc(name), args.begin(), static_cast<int>(args.size()));
  }

  // The message of the toylang::Error that the call throws ("" if it returns normally).
  std::string CallError(std::string_view name, std::initializer_list<Value> args) {
    try {
      Call(name, args);
    } catch (const Error& e) {
      return e.message();
    }
    return "";
  }

  // Write(Call(...)).
  std::string CallW(std::string_view name, std::initializer_list<Value> args) {
    return WriteString(Call(name, args));
  }

  static std::string W(Value v) { return WriteString(v); }
  static std::string D(Value v) { return DisplayString(v); }
  static Value Fx(int64_t n) { return Value::Fixnum(n); }
  static Value Fl(double d) { return MakeFlonum(d); }
  static Value Str(std::string_view s) { return MakeString(s); }
  static Value Sym(std::string_view s) { return Intern(s); }
  static Value Ch(uint32_t c) { return Value::Char(c); }

  // A minimal reader for test data: integers, decimals (with '.' or 'e'), #t #f, #\a #\space
  // #\newline, "strings" (\" \\ \n), symbols, (lists), (dotted . pairs), #(vectors), 'quote.
  static Value R(std::string_view text) {
    size_t pos = 0;
    Value v = ReadDatum(text, pos);
    SkipSpace(text, pos);
    if (pos != text.size()) ADD_FAILURE() << "trailing text in test datum: " << text;
    return v;
  }

  std::unique_ptr<mosaic::Heap> heap_;
  std::unique_ptr<Runtime> runtime_;
  FakeContext ctx_;

 private:
  static void SkipSpace(std::string_view t, size_t& p) {
    while (p < t.size() && (t[p] == ' ' || t[p] == '\n' || t[p] == '\t')) ++p;
  }
  static bool Delimiter(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '(' || c == ')' || c == '"';
  }

  static Value ReadDatum(std::string_view t, size_t& p) {
    SkipSpace(t, p);
    if (p >= t.size()) {
      ADD_FAILURE() << "unexpected end of test datum";
      return Value::Unspecified();
    }
    char c = t[p];
    if (c == '(') return ReadList(t, ++p);
    if (c == '\'') {
      ++p;
      Value quoted = ReadDatum(t, p);
      Value tail = Cons(quoted, Value::Nil());
      return Cons(Intern("quote"), tail);
    }
    if (c == '"') {
      std::string s;
      for (++p; p < t.size() && t[p] != '"'; ++p) {
        if (t[p] == '\\' && p + 1 < t.size()) {
          ++p;
          s += t[p] == 'n' ? '\n' : t[p];
        } else {
          s += t[p];
        }
      }
      ++p;
      return MakeString(s);
    }
    if (c == '#' && p + 1 < t.size() && t[p + 1] == '(') {
      p += 2;
      Value list = ReadList(t, p);
      int64_t n = ListLength(list);
      Value v = MakeVector(static_cast<size_t>(n), Value::False());
      for (int64_t i = 0; i < n; ++i, list = Cdr(list)) VectorSet(v, i, Car(list));
      return v;
    }
    size_t start = p;
    if (c == '#' && p + 1 < t.size() && t[p + 1] == '\\') p += 3;  // the char itself
    while (p < t.size() && !Delimiter(t[p])) ++p;
    std::string tok(t.substr(start, p - start));
    if (tok == "#t") return Value::True();
    if (tok == "#f") return Value::False();
    if (tok.rfind("#\\", 0) == 0) {
      std::string name = tok.substr(2);
      if (name == "space") return Value::Char(' ');
      if (name == "newline") return Value::Char('\n');
      return Value::Char(static_cast<unsigned char>(name[0]));
    }
    char* end = nullptr;
    bool numeric = (tok[0] >= '0' && tok[0] <= '9') ||
                   ((tok[0] == '-' || tok[0] == '+' || tok[0] == '.') && tok.size() > 1);
    if (numeric) {
      long long n = std::strtoll(tok.c_str(), &end, 10);
      if (*end == '\0') return Value::Fixnum(n);
      double d = std::strtod(tok.c_str(), &end);
      if (*end == '\0') return MakeFlonum(d);
    }
    return Intern(tok);
  }

  static Value ReadList(std::string_view t, size_t& p) {
    Value head = Value::Nil(), tail = Value::Nil();
    for (;;) {
      SkipSpace(t, p);
      if (p >= t.size()) {
        ADD_FAILURE() << "unterminated list in test datum";
        return head;
      }
      if (t[p] == ')') {
        ++p;
        return head;
      }
      if (t[p] == '.' && p + 1 < t.size() && Delimiter(t[p + 1])) {
        ++p;
        Value rest = ReadDatum(t, p);
        SetCdr(tail, rest);
        SkipSpace(t, p);
        ++p;  // ')'
        return head;
      }
      Value x = ReadDatum(t, p);
      Value cell = Cons(x, Value::Nil());
      if (tail.IsNil()) {
        head = cell;
      } else {
        SetCdr(tail, cell);
      }
      tail = cell;
    }
  }
};

}  // namespace toylang::testing

#endif  // TOYLANG_TESTS_FRONTEND_OBJECTS_RUNTIME_FIXTURE_H_
