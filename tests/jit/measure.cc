// Not a test: prints wall times for docs/design/jit.md.
//   jit_measure <interp|jit|jit-forms|jit-repl> <precise|conservative> '<toylang source>'
// jit: the source is one compilation unit at O2 (a file); jit-forms: each form is compiled on
// its own at O2 (an interactive engine at level 2); jit-repl: each form on its own at the
// interactive default level.
// Prints the wall time of the Eval (compile + run for the JIT; the source is one compilation
// unit) and, for the JIT, the engine's statistics (EngineStats).
#include <chrono>
#include <iostream>
#include <string>

#include "frontend/interp/interp_engine.h"
#include "jit/jit_engine.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: jit_measure <interp|jit|jit-forms|jit-repl> <precise|conservative> "
                 "'<source>'\n";
    return 2;
  }
  toylang::EngineOptions options;
  options.roots = std::string(argv[2]) == "precise" ? toylang::RootsMode::kPrecise
                                                    : toylang::RootsMode::kConservative;
  const std::string kind = argv[1];
  bool jit = kind.rfind("jit", 0) == 0;
  options.interactive = kind == "jit-forms" || kind == "jit-repl";
  if (kind == "jit-forms") (void)toylang::jit::SetInteractiveOptLevel(2);
  auto engine =
      jit ? toylang::jit::CreateJitEngine(options) : toylang::CreateInterpEngine(options);
  if (!engine.ok()) {
    std::cerr << engine.status() << "\n";
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval(argv[3], "<measure>");
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  if (!v.ok()) {
    std::cerr << v.status().message() << "\n";
    return 1;
  }
  std::cout << (*engine)->Write(*v) << "  " << ms << " ms\n";
  if (jit) {
    toylang::EngineStats stats = (*engine)->Stats();
    std::cout << "modules " << stats.modules_compiled << "  removed " << stats.modules_removed
              << "  functions " << stats.functions_compiled << "  compile "
              << static_cast<double>(stats.compile_ns) / 1e6 << " ms  code " << stats.code_bytes
              << " bytes  statepoints " << stats.statepoints << "\n";
  }
  return 0;
}
