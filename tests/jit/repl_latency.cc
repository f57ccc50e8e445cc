// Not a test: the per-form latency of an interactive (REPL) JIT engine, behind the tier choice
// in docs/design/jit.md.
//   jit_repl_latency <opt level 0..3> <precise|conservative> ['<form to time afterwards>']
// Evaluates 50 typical REPL forms (small procedure definitions, then expressions that call
// them), each in its own Eval as the REPL does, and prints the p50/p90/max wall time of one
// Eval (compile + run) and the engine's compile statistics.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "jit/jit_engine.h"

namespace {

std::vector<std::string> Forms() {
  std::vector<std::string> forms = {
      "(define (square x) (* x x))",
      "(define (add1 n) (+ n 1))",
      "(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))",
      "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))",
      "(define (len l) (if (null? l) 0 (+ 1 (len (cdr l)))))",
      "(define (rev l)"
      "  (let loop ((l l) (acc '())) (if (null? l) acc (loop (cdr l) (cons (car l) acc)))))",
      "(define (sum l) (apply + l))",
      "(define (compose f g) (lambda (x) (f (g x))))",
      "(define (make-counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))",
      "(define c (make-counter))",
      "(define (range a b) (if (>= a b) '() (cons a (range (+ a 1) b))))",
      "(define (filter p l)"
      "  (cond ((null? l) '()) ((p (car l)) (cons (car l) (filter p (cdr l))))"
      "        (else (filter p (cdr l)))))",
      "(define v (make-vector 10 0))",
      "(define (vsum v)"
      "  (do ((i 0 (+ i 1)) (s 0 (+ s (vector-ref v i)))) ((= i (vector-length v)) s)))",
      "(define-record-type point (make-point x y) point? (x point-x) (y point-y))",
      "(define (dist2 p) (+ (square (point-x p)) (square (point-y p))))",
      "(define xs (range 0 20))",
      "(define (count-if p l) (length (filter p l)))",
      "(define (string-rev s) (list->string (reverse (string->list s))))",
      "(define (max-list l) (apply max l))",
  };
  const char* expressions[] = {
      "(square 12)", "(add1 41)", "(fact 10)", "(fib 15)", "(len xs)", "(rev xs)",
      "(sum xs)", "((compose add1 square) 5)", "(c)", "(c)", "(filter odd? xs)",
      "(vector-fill! v 3)", "(vsum v)", "(dist2 (make-point 3 4))", "(count-if even? xs)",
      "(string-rev \"hello\")", "(map square xs)", "(let ((a 1) (b 2)) (+ a b))",
      "(if (> (fact 5) 100) 'big 'small)", "(list 1 2 3 (* 4 5))", "(vector-map add1 #(1 2 3))",
      "(apply max xs)", "(string-append \"a\" \"b\" \"c\")", "(length (range 0 100))",
      "(reverse '(1 2 3))", "(assq 'b '((a 1) (b 2)))", "(max-list xs)", "(point? 5)",
      "(vector->list (list->vector xs))", "(car (cdr xs))",
  };
  for (const char* e : expressions) forms.push_back(e);
  return forms;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: jit_repl_latency <opt level 0..3> <precise|conservative> ['<form>']\n";
    return 2;
  }
  if (absl::Status s = toylang::jit::SetInteractiveOptLevel(std::atoi(argv[1])); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 2;
  }
  toylang::EngineOptions options;
  options.interactive = true;
  options.roots = std::string(argv[2]) == "conservative" ? toylang::RootsMode::kConservative
                                                         : toylang::RootsMode::kPrecise;
  auto engine = toylang::jit::CreateJitEngine(options);
  if (!engine.ok()) {
    std::cerr << engine.status() << "\n";
    return 1;
  }
  std::vector<double> ms;
  for (const std::string& form : Forms()) {
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(form, "<repl>");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    if (!v.ok()) {
      std::cerr << form << ": " << v.status().message() << "\n";
      return 1;
    }
  }
  if (argc == 4) {
    // The speed of the code compiled at this level: a form that calls procedures defined above.
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(argv[3], "<repl>");
    double t = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                   .count();
    if (!v.ok()) {
      std::cerr << argv[3] << ": " << v.status().message() << "\n";
      return 1;
    }
    std::cout << argv[3] << " = " << (*engine)->Write(*v) << "  " << t << " ms\n";
  }
  toylang::EngineStats stats = (*engine)->Stats();
  std::cout << "forms " << ms.size() << "  p50 " << Percentile(ms, 0.5) << " ms  p90 "
            << Percentile(ms, 0.9) << " ms  max " << Percentile(ms, 1.0) << " ms\n"
            << "modules " << stats.modules_compiled << "  removed " << stats.modules_removed
            << "  functions " << stats.functions_compiled << "  compile "
            << static_cast<double>(stats.compile_ns) / 1e6 << " ms  code " << stats.code_bytes
            << " bytes  statepoints " << stats.statepoints << "\n";
  return 0;
}
