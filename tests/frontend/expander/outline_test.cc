// Outlining (frontend/expander/outline.h): what is cut, what is left alone, and that the
// result is still well formed (definitions stay at top level; every procedure made holds at
// most about kOutlineWeight calls and conditionals). Running outlined code in every engine is
// tested in tests/toylang/robustness_test.cc and by the golden programs.
#include "frontend/expander/outline.h"

#include <string>

#include "frontend/expander/expander.h"
#include "frontend/reader/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;

CorePtr ExpandOne(const std::string& source) {
  Expander expander;
  return expander.ExpandToplevel(ReadAll(source, "x.scm").at(0));
}

std::string Nested(int depth) {
  std::string s = "(define (g x) ";
  for (int i = 0; i < depth; ++i) s += "(+ x ";
  return s + "0" + std::string(static_cast<size_t>(depth), ')') + ")";
}

// Calls and conditionals of one procedure body, not counting nested lambdas' bodies.
size_t Weight(const Core& node) {
  if (node.kind == CoreKind::kLambda) return 1;
  size_t w = node.kind == CoreKind::kCall || node.kind == CoreKind::kIf ? 1 : 0;
  for (const CorePtr& kid : node.kids) w += Weight(*kid);
  return w;
}

// The largest body of any lambda in `node`.
size_t HeaviestBody(const Core& node) {
  size_t heaviest = 0;
  if (node.kind == CoreKind::kLambda) heaviest = Weight(*node.kids[0]);
  for (const CorePtr& kid : node.kids) heaviest = std::max(heaviest, HeaviestBody(*kid));
  return heaviest;
}

TEST(OutlineTest, OrdinaryProceduresAreLeftAlone) {
  for (const std::string& source :
       {std::string("(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))"), Nested(100),
        std::string("(let loop ((i 0)) (when (< i 10) (display i) (loop (+ i 1))))")}) {
    CorePtr form = ExpandOne(source);
    const std::string before = DumpCore(*form);
    EXPECT_EQ(OutlineHugeExpressions(form), 0u) << source;
    EXPECT_EQ(DumpCore(*form), before);
  }
}

TEST(OutlineTest, DeepNestingIsCutIntoBoundedProcedures) {
  CorePtr form = ExpandOne(Nested(2000));
  ASSERT_EQ(HeaviestBody(*form), 2000u);
  const size_t made = OutlineHugeExpressions(form);
  EXPECT_GE(made, 2000 / kOutlineWeight);
  EXPECT_LE(HeaviestBody(*form), kOutlineWeight + 2);
  EXPECT_THAT(DumpCore(*form), HasSubstr("#:outlined"));
}

TEST(OutlineTest, LongSequencesAreCutIntoChunks) {
  std::string source = "(define (f)";
  for (int i = 0; i < 5000; ++i) source += " (display " + std::to_string(i) + ")";
  CorePtr form = ExpandOne(source + ")");
  EXPECT_GT(OutlineHugeExpressions(form), 5000 / kOutlineWeight);
  EXPECT_LE(HeaviestBody(*form), kOutlineWeight + 2);
}

TEST(OutlineTest, TopLevelDefinitionsStayAtTopLevel) {
  std::string source = "(begin";
  for (int i = 0; i < 300; ++i) {
    source += " (define v" + std::to_string(i) + " (f " + std::to_string(i) + "))";
  }
  CorePtr form = ExpandOne(source + ")");
  OutlineHugeExpressions(form);
  ASSERT_EQ(form->kind, CoreKind::kSeq);
  size_t defines = 0;
  for (const CorePtr& kid : form->kids) defines += kid->kind == CoreKind::kDefine;
  EXPECT_EQ(defines, 300u);
}

}  // namespace
}  // namespace toylang
