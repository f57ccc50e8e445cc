// A persistent cache of compiled objects, keyed by a SHA-256 of everything that determines the
// machine code (docs/design/jit.md, "Code cache"). GcJit consults it before the IR pipeline and
// fills it after code generation; a hit links the cached object exactly as a fresh one (the
// stack-map plugin reads its `.llvm_stackmaps` section either way).
//
//   auto cache = CodeCache::Open("/home/me/.cache/mosaic/jit");   // nullptr if unusable
//   GcJitOptions options;
//   options.code_cache = std::move(cache).value();
//
// Entries are files `<key hex>.mjo` written to a temporary file in the same directory and
// renamed, so concurrent processes never see half an entry; each starts with a header (magic,
// format version, key, payload length, SHA-256 of the payload) checked on load. A truncated,
// corrupt or foreign entry is a miss and is replaced. Thread-safe.
#ifndef MOSAIC_JIT_CODE_CACHE_H_
#define MOSAIC_JIT_CODE_CACHE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mosaic::jit {

using CodeCacheKey = std::array<uint8_t, 32>;  // SHA-256

struct CodeCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t stores = 0;
  uint64_t rejected = 0;        // entries found but unreadable, truncated or corrupt
  uint64_t store_failures = 0;  // entries that could not be written (the code still runs)
  uint64_t evicted = 0;         // entries deleted to keep the directory under its bound
};

class CodeCache {
 public:
  // 256 MiB: a file unit's objects are tens to hundreds of KB.
  static constexpr uint64_t kDefaultMaxBytes = uint64_t{256} << 20;

  // Creates `dir` (and its parents) if needed and checks that it is writable. An error says
  // why the directory is unusable; callers run without a cache then.
  static absl::StatusOr<std::unique_ptr<CodeCache>> Open(std::string dir,
                                                         uint64_t max_bytes = kDefaultMaxBytes);

  // The default directory: $XDG_CACHE_HOME/mosaic/jit, else $HOME/.cache/mosaic/jit; "" when
  // neither variable is set to an absolute path.
  static std::string DefaultDirectory();

  // The cached object for `key`, or nullptr (a miss; a bad entry counts as rejected too).
  std::unique_ptr<llvm::MemoryBuffer> Lookup(const CodeCacheKey& key);
  // Writes the object for `key` (best effort: a failure is counted, never reported).
  void Store(const CodeCacheKey& key, llvm::StringRef object);

  const std::string& directory() const { return dir_; }
  CodeCacheStats Stats() const;

 private:
  CodeCache(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  std::string EntryPath(const CodeCacheKey& key) const;
  void EvictIfOver();

  const std::string dir_;
  const uint64_t max_bytes_;
  std::mutex evict_mu_;
  std::atomic<uint64_t> hits_{0}, misses_{0}, stores_{0}, rejected_{0}, store_failures_{0},
      evicted_{0};
};

// What identifies the code that a module becomes, besides its IR: the host target, the levels,
// the root mode and the build of this program.
struct CodeCacheContext {
  std::string triple, cpu, features, data_layout;
  int opt_level = 2;
  bool statepoints = true;
  // The IR pipeline above O0 ("llvm" or its text; GcJitOptions::ir_pipeline, which
  // MOSAIC_JIT_PIPELINE overrides with the same build).
  std::string ir_pipeline;
};

// An identity of this program's build: the GNU build-ids of the executable and of the object
// that holds this code (they differ only when Mosaic is a shared library), or, without a
// build-id, the executable's path, size and modification time. A rebuilt program never shares
// entries with an older build.
const std::string& BuildIdentity();

// The key of `module` (hashed as its textual IR) in `context`.
CodeCacheKey ComputeCodeCacheKey(const llvm::Module& module, const CodeCacheContext& context);
std::string KeyHex(const CodeCacheKey& key);
// The inverse of KeyHex; false if `hex` is not 64 hex digits.
bool KeyFromHex(llvm::StringRef hex, CodeCacheKey* key);

// Host addresses in a module (the safepoint flag, error sites, constant slots, allocation
// buffers, global boxes, code of procedures linked earlier, ...) differ from run to run under
// ASLR. This replaces each constant that may be one — an i64 or an `inttoptr` to an
// address-space-0 pointer whose value is in [2^32, 2^47) — by an external symbol named
// `<prefix><n>` plus an offset (nearby addresses share a symbol; n in order of first use), and
// returns (name, value) for each symbol, to be defined as absolute symbols. `stable` (may be
// empty) tells which addresses lie where relative placement is the same in every run (the GC
// heap at its hint): there, addresses far apart still share a symbol. The code is then the
// same in every run, and exactly as correct for any constant that was in fact a plain integer.
// Constants that must stay immediates (switch cases, `immarg` operands) are left alone. The
// module is otherwise unchanged.
std::vector<std::pair<std::string, uint64_t>> AbstractHostAddresses(
    llvm::Module& module, const std::string& prefix,
    const std::function<bool(uint64_t)>& stable = {});
// Renames the symbols made by AbstractHostAddresses from `from` to `to` prefixes.
void RenameHostSymbols(llvm::Module& module,
                       std::vector<std::pair<std::string, uint64_t>>& symbols,
                       const std::string& from, const std::string& to);

}  // namespace mosaic::jit

#endif  // MOSAIC_JIT_CODE_CACHE_H_
