// The persistent code cache (docs/design/jit.md, "Code cache"): a second engine compiling the
// same source links the first one's objects and computes the same results, stack maps and
// collections included; another root mode or level does not share entries; damaged entries are
// detected and replaced; an unusable directory means running without a cache.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/Support/SourceMgr.h"
#include "mosaic/jit/code_cache.h"
#include "mosaic/jit/gc_jit.h"

namespace toylang::jit {
namespace {

// The engine's entry module (tj_enter) is cacheable too: every engine adds one cacheable module
// besides the units' modules, which modules_compiled counts.
constexpr uint64_t kEntryModule = 1;

namespace fs = std::filesystem;

// A program with globals, closures, allocation across calls and collections in JIT frames.
constexpr char kProgram[] = R"(
(define (make-tree d) (if (= d 0) '() (cons (make-tree (- d 1)) (make-tree (- d 1)))))
(define (count t) (if (null? t) 1 (+ (count (car t)) (count (cdr t)))))
(define (adder k) (lambda (x) (+ x k)))
(define (churn n acc)
  (if (= n 0)
      acc
      (let ((keep (list n (make-vector 3 n) (adder n))))
        (collect)
        (make-tree 4)
        (churn (- n 1) (+ acc ((caddr keep) (vector-ref (cadr keep) 2)))))))
(display (list (count (make-tree 10)) (churn 20 0) (map (adder 5) '(1 2 3))))
(newline)
(churn 5 0)
)";
constexpr char kExpected[] = "(1024 420 (6 7 8))\n";

class CodeCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(testing::TempDir()) / "code_cache_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  struct Run {
    std::string out;
    std::string value;
    EngineStats stats;
  };
  // One engine (engines are one per thread at a time): evaluates `source` as a file unit.
  Run RunProgram(const std::string& source, RootsMode roots, const std::string& cache_dir,
                 const std::string& gc_options = "") {
    std::ostringstream out;
    EngineOptions options;
    options.roots = roots;
    options.gc_options = gc_options;
    options.jit_cache = cache_dir;
    options.out = &out;
    auto engine = CreateJitEngine(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    if (!engine.ok()) return {};
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(source, "test.scm");
    Run run;
    run.value = v.ok() ? (*engine)->Write(*v) : std::string(v.status().message());
    run.out = out.str();
    run.stats = (*engine)->Stats();
    return run;
  }

  std::vector<fs::path> Entries() const {
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".mjo") entries.push_back(e.path());
    }
    return entries;
  }

  std::string dir_;
};

TEST_F(CodeCacheTest, SecondEngineLinksTheCachedObjectsAndAgrees) {
  for (RootsMode roots : {RootsMode::kPrecise, RootsMode::kConservative}) {
    SCOPED_TRACE(roots == RootsMode::kPrecise ? "precise" : "conservative");
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    const Run cold = RunProgram(kProgram, roots, dir_);
    EXPECT_EQ(cold.out, kExpected);
    EXPECT_EQ(cold.value, "30");
    EXPECT_EQ(cold.stats.code_cache_hits, 0u);
    EXPECT_EQ(cold.stats.code_cache_misses, cold.stats.modules_compiled + kEntryModule);
    EXPECT_EQ(cold.stats.code_cache_unusable, 0u);
    EXPECT_EQ(Entries().size(), cold.stats.modules_compiled + kEntryModule);

    const Run warm = RunProgram(kProgram, roots, dir_);
    EXPECT_EQ(warm.out, kExpected);
    EXPECT_EQ(warm.value, "30");
    EXPECT_EQ(warm.stats.code_cache_hits, warm.stats.modules_compiled + kEntryModule);
    EXPECT_EQ(warm.stats.code_cache_misses, 0u);
    // The same code, and the same stack maps registered from the cached objects' sections.
    EXPECT_EQ(warm.stats.code_bytes, cold.stats.code_bytes);
    EXPECT_EQ(warm.stats.statepoints, cold.stats.statepoints);
    if (roots == RootsMode::kPrecise) {
      EXPECT_GT(warm.stats.statepoints, 0u);
    } else {
      EXPECT_EQ(warm.stats.statepoints, 0u);
    }
    EXPECT_EQ(warm.stats.modules_removed, cold.stats.modules_removed);
  }
}

// Collections at every allocation, with the heap verified, in code linked from the cache: a
// root missing from a cached object's stack maps would be found by the verifier or would
// change the result.
TEST_F(CodeCacheTest, CollectionsInCachedCodeFindTheirRootsUnderStress) {
  for (RootsMode roots : {RootsMode::kPrecise, RootsMode::kConservative}) {
    SCOPED_TRACE(roots == RootsMode::kPrecise ? "precise" : "conservative");
    const std::string small = "(define (make-tree d) (if (= d 0) '() (cons (make-tree (- d 1))"
                              " (make-tree (- d 1)))))"
                              "(define (count t) (if (null? t) 1 (+ (count (car t))"
                              " (count (cdr t)))))"
                              "(define (go n acc) (if (= n 0) acc"
                              " (let ((v (make-vector 2 n))) (collect)"
                              " (go (- n 1) (+ acc (count (make-tree 3)) (vector-ref v 1))))))"
                              "(go 6 0)";
    const Run cold = RunProgram(small, roots, dir_, "stress=1,verify=1");
    const Run warm = RunProgram(small, roots, dir_, "stress=1,verify=1");
    EXPECT_EQ(cold.value, "69");  // 6 * 8 + (6 + 5 + ... + 1)
    EXPECT_EQ(warm.value, "69");
    EXPECT_EQ(warm.stats.code_cache_hits, warm.stats.modules_compiled + kEntryModule);
    EXPECT_EQ(warm.stats.code_cache_misses, 0u);
  }
}

TEST_F(CodeCacheTest, RootModesDoNotShareEntries) {
  const Run precise = RunProgram(kProgram, RootsMode::kPrecise, dir_);
  const size_t after_precise = Entries().size();
  const Run conservative = RunProgram(kProgram, RootsMode::kConservative, dir_);
  EXPECT_EQ(conservative.out, kExpected);
  EXPECT_EQ(conservative.stats.code_cache_hits, 0u);
  const uint64_t modules = conservative.stats.modules_compiled + kEntryModule;
  EXPECT_EQ(conservative.stats.code_cache_misses, modules);
  EXPECT_EQ(Entries().size(), after_precise + modules);
  EXPECT_EQ(precise.stats.code_cache_hits, 0u);
}

TEST_F(CodeCacheTest, DamagedEntriesAreDetectedAndReplaced) {
  const Run cold = RunProgram(kProgram, RootsMode::kPrecise, dir_);
  ASSERT_EQ(cold.out, kExpected);
  // Each kind of damage in turn: a truncated file, a flipped byte in the object, a flipped byte
  // in the header, an empty file, a file of another format.
  const std::vector<std::string> damages = {"truncate", "flip-payload", "flip-header", "empty",
                                            "foreign"};
  for (const std::string& damage : damages) {
    SCOPED_TRACE(damage);
    std::vector<fs::path> entries = Entries();
    ASSERT_FALSE(entries.empty());
    for (const fs::path& entry : entries) {
      const uintmax_t size = fs::file_size(entry);
      if (damage == "truncate") {
        fs::resize_file(entry, size / 2);
      } else if (damage == "empty") {
        fs::resize_file(entry, 0);
      } else if (damage == "foreign") {
        std::ofstream(entry, std::ios::binary | std::ios::trunc) << "\x7f" "ELF not a cache entry";
      } else {
        std::fstream f(entry, std::ios::binary | std::ios::in | std::ios::out);
        const std::streamoff at =
            damage == "flip-header" ? 20 : static_cast<std::streamoff>(size - 40);
        f.seekg(at);
        char c = 0;
        f.get(c);
        f.seekp(at);
        f.put(static_cast<char>(c ^ 0x5a));
      }
    }
    const Run repaired = RunProgram(kProgram, RootsMode::kPrecise, dir_);
    EXPECT_EQ(repaired.out, kExpected);
    EXPECT_EQ(repaired.value, "30");
    EXPECT_EQ(repaired.stats.code_cache_hits, 0u);
    EXPECT_EQ(repaired.stats.code_cache_misses, repaired.stats.modules_compiled + kEntryModule);
    // Replaced by good entries: the next engine hits again.
    const Run warm = RunProgram(kProgram, RootsMode::kPrecise, dir_);
    EXPECT_EQ(warm.out, kExpected);
    EXPECT_EQ(warm.stats.code_cache_hits, warm.stats.modules_compiled + kEntryModule);
  }
}

TEST_F(CodeCacheTest, UnusableDirectoryRunsWithoutCaching) {
  const std::string file = dir_ + "/a-file";
  std::ofstream(file) << "not a directory";
  for (const std::string& bad : {file + "/jit", file}) {
    SCOPED_TRACE(bad);
    const Run run = RunProgram(kProgram, RootsMode::kPrecise, bad);
    EXPECT_EQ(run.out, kExpected);
    EXPECT_EQ(run.stats.code_cache_unusable, 1u);
    EXPECT_EQ(run.stats.code_cache_hits + run.stats.code_cache_misses, 0u);
  }
  // A missing directory is created (with its parents).
  const Run created = RunProgram(kProgram, RootsMode::kPrecise, dir_ + "/new/jit");
  EXPECT_EQ(created.out, kExpected);
  EXPECT_EQ(created.stats.code_cache_unusable, 0u);
  EXPECT_TRUE(fs::is_directory(dir_ + "/new/jit"));
  // No directory at all: no cache, nothing reported.
  const Run none = RunProgram(kProgram, RootsMode::kPrecise, "");
  EXPECT_EQ(none.out, kExpected);
  EXPECT_EQ(none.stats.code_cache_unusable + none.stats.code_cache_misses, 0u);
}

TEST_F(CodeCacheTest, InteractiveEnginesDoNotUseTheCache) {
  EngineOptions options;
  options.interactive = true;
  options.jit_cache = dir_;
  std::ostringstream out;
  options.out = &out;
  auto engine = CreateJitEngine(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_TRUE((*engine)->Eval("(define (f x) (* x 2))", "<repl>").ok());
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval("(f 21)", "<repl>");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*engine)->Write(*v), "42");
  EXPECT_EQ((*engine)->Stats().code_cache_misses, 0u);
  EXPECT_TRUE(Entries().empty());
}

// GcJit directly: the level is part of the key.
TEST_F(CodeCacheTest, OptimisationLevelsDoNotShareEntries) {
  auto cache = mosaic::jit::CodeCache::Open(dir_);
  ASSERT_TRUE(cache.ok()) << cache.status();
  std::shared_ptr<mosaic::jit::CodeCache> shared = std::move(*cache);
  auto add = [&](mosaic::jit::OptLevel level, uint64_t* hits, uint64_t* result) {
    mosaic::stackmaps::StackMapIndex index;
    mosaic::jit::GcJitOptions options;
    options.code_cache = shared;
    auto jit = mosaic::jit::GcJit::Create(index, options);
    ASSERT_TRUE(jit.ok()) << jit.status();
    auto context = std::make_unique<llvm::LLVMContext>();
    llvm::SMDiagnostic diag;
    std::unique_ptr<llvm::Module> m = llvm::parseAssemblyString(
        "define i64 @answer(i64 %x) {\n"
        "  %y = mul i64 %x, 6\n"
        "  %z = add i64 %y, 123456789012\n"  // an integer in the host-address range
        "  ret i64 %z\n"
        "}\n",
        diag, *context);
    ASSERT_NE(m, nullptr) << diag.getMessage().str();
    ASSERT_TRUE((*jit)->AddModule(llvm::orc::ThreadSafeModule(std::move(m), std::move(context)),
                                  nullptr, level, /*cacheable=*/true)
                    .ok());
    auto fn = (*jit)->Lookup<uint64_t (*)(uint64_t)>("answer");
    ASSERT_TRUE(fn.ok()) << fn.status();
    *result = (*fn)(7);
    *hits = (*jit)->code_cache_hits();
  };
  uint64_t hits = 0, result = 0;
  add(mosaic::jit::OptLevel::kO2, &hits, &result);
  EXPECT_EQ(hits, 0u);
  EXPECT_EQ(result, 123456789054u);
  add(mosaic::jit::OptLevel::kO2, &hits, &result);
  EXPECT_EQ(hits, 1u);
  EXPECT_EQ(result, 123456789054u);
  add(mosaic::jit::OptLevel::kO0, &hits, &result);
  EXPECT_EQ(hits, 0u);
  EXPECT_EQ(result, 123456789054u);
  EXPECT_EQ(shared->Stats().stores, 2u);
  EXPECT_EQ(Entries().size(), 2u);
}

}  // namespace
}  // namespace toylang::jit
