// Pipeline (frontend/engine/pipeline.h) with a fake UnitRunner: which forms reach the engine,
// in which units and in which order, and how each phase's errors become Eval's statuses. The
// fake runs nothing and returns fixnums, so no heap is needed.
#include "frontend/engine/pipeline.h"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::ElementsAre;

// Forms are told apart by their line: every test source has one form per line.
class FakeRunner : public UnitRunner {
 public:
  size_t max_forms = 1;
  absl::Status prepare_status;  // returned by Prepare when not OK
  // What running the form on `line` does; by default it returns the line as a fixnum.
  std::function<mosaic::Value(int line)> run = [](int line) {
    return mosaic::Value::Fixnum(line);
  };

  std::vector<std::vector<int>> prepared;  // each unit's lines, in the order Prepare saw them
  std::vector<int> ran;                    // the lines run
  int released = 0;                        // prepared units destroyed

  size_t MaxUnitForms() const override { return max_forms; }

  absl::StatusOr<std::unique_ptr<PreparedUnit>> Prepare(const AnalysedUnit& unit) override {
    EXPECT_EQ(unit.forms.size(), unit.positions.size());
    std::vector<int>& lines = prepared.emplace_back();
    for (const SourcePos& pos : unit.positions) lines.push_back(pos.line);
    if (!prepare_status.ok()) return prepare_status;
    return std::make_unique<Unit>(*this, unit);
  }

 private:
  class Unit : public PreparedUnit {
   public:
    Unit(FakeRunner& runner, const AnalysedUnit& unit) : runner_(runner), unit_(unit) {}
    ~Unit() override { ++runner_.released; }
    mosaic::Value RunForm(size_t i) override {
      const int line = unit_.positions.at(i).line;
      runner_.ran.push_back(line);
      return runner_.run(line);
    }

   private:
    FakeRunner& runner_;
    const AnalysedUnit& unit_;
  };
};

class PipelineTest : public ::testing::Test {
 protected:
  absl::StatusOr<mosaic::Value> Eval(const char* source) { return pipeline_.Eval(source, "t.scm"); }

  FakeRunner runner_;
  Pipeline pipeline_{runner_};
};

TEST_F(PipelineTest, FormsGoToTheEngineInUnitsOfAtMostMaxUnitForms) {
  runner_.max_forms = 2;
  absl::StatusOr<mosaic::Value> v = Eval("(define a 1)\n2\n'three\n(f 4)\n5");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->FixnumValue(), 5);  // the last form's value
  EXPECT_THAT(runner_.prepared, ElementsAre(ElementsAre(1, 2), ElementsAre(3, 4), ElementsAre(5)));
  EXPECT_THAT(runner_.ran, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(runner_.released, 3);
}

TEST_F(PipelineTest, NoFormsIsUnspecified) {
  absl::StatusOr<mosaic::Value> v = Eval("; nothing\n");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->IsUnspecified());
  EXPECT_TRUE(runner_.prepared.empty());
}

TEST_F(PipelineTest, IncompleteInputRunsNothing) {
  absl::StatusOr<mosaic::Value> v = Eval("1\n(display 2");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(runner_.prepared.empty());
}

TEST_F(PipelineTest, AReaderErrorRunsNothing) {
  absl::StatusOr<mosaic::Value> v = Eval("1\n12abc");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.status().message(), "t.scm:2:1: bad number 12abc");
  EXPECT_TRUE(runner_.prepared.empty());
}

TEST_F(PipelineTest, AFormThatDoesNotExpandEndsItsUnitAfterTheFormsBeforeItRan) {
  runner_.max_forms = 100;
  absl::StatusOr<mosaic::Value> v = Eval("1\n2\n(if)\n4");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(v.status().message()), ::testing::StartsWith("t.scm:3:1: if: "));
  EXPECT_THAT(runner_.prepared, ElementsAre(ElementsAre(1, 2)));
  EXPECT_THAT(runner_.ran, ElementsAre(1, 2));
}

TEST_F(PipelineTest, APrepareFailureIsReportedAtTheUnitsFirstForm) {
  runner_.max_forms = 100;
  runner_.prepare_status = absl::InternalError("JIT compilation failed: no");
  absl::StatusOr<mosaic::Value> v = Eval("\n  (define x 1)\n2");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(v.status().message(), "t.scm:2:3: JIT compilation failed: no");
  EXPECT_TRUE(runner_.ran.empty());
}

TEST_F(PipelineTest, ARunErrorStopsTheUnitAndGetsItsFormsPositionIfItHasNone) {
  runner_.max_forms = 100;
  runner_.run = [](int line) -> mosaic::Value {
    if (line == 2) throw Error("boom");
    return mosaic::Value::Fixnum(line);
  };
  absl::StatusOr<mosaic::Value> v = Eval("1\n(f)\n3");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(v.status().message(), "t.scm:2:1: boom");
  EXPECT_THAT(runner_.ran, ElementsAre(1, 2));
  EXPECT_EQ(runner_.released, 1);  // the prepared unit goes even when a form fails
}

TEST_F(PipelineTest, ARunErrorKeepsItsOwnPosition) {
  const SourcePos inner{InternFileName("lib.scm"), 7, 9};
  runner_.run = [&](int) -> mosaic::Value { throw Error("car: expected a pair, got 5", inner); };
  absl::StatusOr<mosaic::Value> v = Eval("(f)");
  EXPECT_EQ(v.status().message(), "lib.scm:7:9: car: expected a pair, got 5");
}

TEST_F(PipelineTest, ExitIsCancelledWithItsCode) {
  runner_.run = [](int) -> mosaic::Value { throw ExitRequest{3}; };
  absl::StatusOr<mosaic::Value> v = Eval("(exit 3)\n4");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(pipeline_.exit_code(), 3);
  EXPECT_THAT(runner_.ran, ElementsAre(1));
}

TEST_F(PipelineTest, AnyOtherExceptionIsInternalAtItsForm) {
  runner_.run = [](int) -> mosaic::Value { throw std::runtime_error("out of luck"); };
  absl::StatusOr<mosaic::Value> v = Eval("\n(f)");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(v.status().message(), "t.scm:2:1: internal error: out of luck");
}

TEST_F(PipelineTest, EvalCanGoOnAfterAnError) {
  ASSERT_FALSE(Eval("(if)").ok());
  absl::StatusOr<mosaic::Value> v = Eval("42");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->FixnumValue(), 1);  // the line of "42": the fake returns lines
}

}  // namespace
}  // namespace toylang
