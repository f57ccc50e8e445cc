// Tests of the R7RS procedures of frontend/builtins/text.cc and process.cc, and of list-set!,
// make-list, vector-append and vector-copy!: their errors (their results are checked against
// Guile by the golden programs strings/case-and-iteration and vectors/append-and-copy).
#include <cstdio>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

using R7rsExtrasTest = RuntimeTest;

TEST_F(R7rsExtrasTest, CopiesThatDoNotFitAreErrorsAndChangeNothing) {
  Value s = Str("ab");
  EXPECT_EQ(CallError("string-copy!", {s, Fx(1), Str("xyz")}),
            "string-copy!: 3 characters do not fit at index 1 of a string of length 2");
  EXPECT_EQ(W(s), "\"ab\"");
  EXPECT_EQ(CallError("string-copy!", {s, Fx(3), Str("")}),
            "string-copy!: index 3 out of range for a string of length 2");
  Value v = Call("vector", {Fx(1), Fx(2)});
  EXPECT_EQ(CallError("vector-copy!", {v, Fx(0), Call("vector", {Fx(7), Fx(8), Fx(9)})}),
            "vector-copy!: 3 elements do not fit at index 0 of a vector of length 2");
  EXPECT_EQ(W(v), "#(1 2)");
  EXPECT_EQ(CallError("vector-append", {v, Fx(3)}), "vector-append: expected a vector, got 3");
}

TEST_F(R7rsExtrasTest, ListSetAndMakeListCheckTheirArguments) {
  Value l = Call("list", {Fx(1), Fx(2)});
  EXPECT_EQ(CallError("list-set!", {l, Fx(2), Fx(0)}),
            "list-set!: index 2 out of range for a list of length 2");
  EXPECT_EQ(CallError("list-set!", {l, Fx(-1), Fx(0)}),
            "list-set!: index -1 out of range for a list of length 2");
  EXPECT_EQ(W(l), "(1 2)");
  EXPECT_EQ(CallError("make-list", {Fx(-1)}),
            "make-list: expected a non-negative length, got -1");
}

TEST_F(R7rsExtrasTest, TheTextProceduresCheckTheirArguments) {
  EXPECT_EQ(CallError("string-map", {Call("car", {Call("list", {Str("p")})}), Str("a")}),
            "string-map: expected a procedure, got \"p\"");
  EXPECT_EQ(CallError("string-fill!", {Str("ab"), Fx(1)}),
            "string-fill!: expected a character, got 1");
  EXPECT_EQ(CallError("vector->string", {Call("vector", {Fx(1)})}),
            "vector->string: expected a character, got 1");
  EXPECT_EQ(CallError("symbol=?", {Sym("a"), Str("a")}), "symbol=?: expected a symbol, got \"a\"");
  EXPECT_EQ(CallError("boolean=?", {Value::True(), Fx(0)}),
            "boolean=?: expected a boolean, got 0");
}

TEST_F(R7rsExtrasTest, FilesCanBeTestedForAndDeleted) {
  std::string path = ::testing::TempDir() + "/r7rs_extras_delete_me";
  std::ofstream(path) << "x";
  EXPECT_EQ(Call("file-exists?", {Str(path)}), Value::True());
  Call("delete-file", {Str(path)});
  EXPECT_EQ(Call("file-exists?", {Str(path)}), Value::False());
  std::string error = CallError("delete-file", {Str(path)});
  EXPECT_EQ(error, "delete-file: cannot delete \"" + path + "\": No such file or directory");
}

TEST_F(R7rsExtrasTest, TheEnvironmentAndTheCommandLine) {
  setenv("MOSAIC_R7RS_EXTRAS_TEST", "value=with=equals", 1);
  EXPECT_EQ(W(Call("get-environment-variable", {Str("MOSAIC_R7RS_EXTRAS_TEST")})),
            "\"value=with=equals\"");
  EXPECT_EQ(Call("get-environment-variable", {Str("MOSAIC_R7RS_EXTRAS_UNSET")}), Value::False());
  bool found = false;
  for (Value l = Call("get-environment-variables", {}); l.IsPair(); l = Cdr(l)) {
    if (W(Car(l)) == "(\"MOSAIC_R7RS_EXTRAS_TEST\" . \"value=with=equals\")") found = true;
  }
  EXPECT_TRUE(found);
  SetCommandLine({"prog.scm"});
  EXPECT_EQ(W(Call("command-line", {})), "(\"prog.scm\")");
  SetCommandLine({"toylang"});
}

}  // namespace
}  // namespace toylang::testing
