// The on-disk format and its checks, the key, and the abstraction of host addresses; see
// code_cache.h and docs/design/jit.md ("Code cache").
#include "mosaic/jit/code_cache.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

namespace mosaic::jit {
namespace {

// Entry layout (little-endian): magic, format version, reserved, key, payload length, payload
// SHA-256, payload. Bump kFormatVersion whenever the layout or the meaning of a key changes.
constexpr char kMagic[8] = {'M', 'O', 'S', 'A', 'I', 'C', 'J', 'O'};
constexpr uint32_t kFormatVersion = 1;
struct EntryHeader {
  char magic[8];
  uint32_t version;
  uint32_t reserved;
  uint8_t key[32];
  uint64_t payload_bytes;
  uint8_t payload_sha256[32];
};
static_assert(sizeof(EntryHeader) == 88);
constexpr const char* kEntrySuffix = ".mjo";

CodeCacheKey Sha256(llvm::StringRef bytes) {
  llvm::SHA256 h;
  h.update(bytes);
  return h.final();
}

bool WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

absl::Status MakeDirectories(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    std::string prefix = dir.substr(0, i);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(
          absl::StrFormat("cannot create %s: %s", prefix, std::strerror(errno)));
    }
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::NotFoundError(absl::StrFormat("%s is not a directory", dir));
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrFormat("%s is not writable", dir));
  }
  return absl::OkStatus();
}

// The GNU build-id of the loaded object whose load address is `base` ("" without one).
struct BuildIdSearch {
  uintptr_t base;
  bool main_program;
  std::string id;
};

int FindBuildId(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<BuildIdSearch*>(data);
  const bool first = search->main_program;  // the first object listed is the program
  search->main_program = false;
  if (!first && info->dlpi_addr != search->base) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0 && desc + note->n_descsz <= end) {
        search->id.assign(desc, note->n_descsz);
        return 1;
      }
      p = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return first ? 0 : 1;
}

std::string BuildIdOf(uintptr_t base, bool main_program) {
  BuildIdSearch search{base, main_program, ""};
  dl_iterate_phdr(FindBuildId, &search);
  return search.id;
}

std::string ComputeBuildIdentity() {
  std::string identity = absl::StrCat("program-build-id:", BuildIdOf(0, true));
  Dl_info info;
  if (::dladdr(reinterpret_cast<const void*>(&ComputeBuildIdentity), &info) != 0) {
    absl::StrAppend(&identity, ";code-build-id:",
                    BuildIdOf(reinterpret_cast<uintptr_t>(info.dli_fbase), false));
  }
  if (identity.find("build-id:;") != std::string::npos || identity.back() == ':') {
    // No build-id somewhere: the executable's identity on disk instead.
    char path[4096];
    ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
    struct stat st;
    if (n > 0 && ::stat((path[n] = '\0', path), &st) == 0) {
      absl::StrAppend(&identity, ";exe:", path, ":", st.st_size, ":", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec);
    }
  }
  return identity;
}

}  // namespace

// --- CodeCache ------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<CodeCache>> CodeCache::Open(std::string dir, uint64_t max_bytes) {
  if (dir.empty()) return absl::InvalidArgumentError("no cache directory");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (absl::Status s = MakeDirectories(dir); !s.ok()) return s;
  return std::unique_ptr<CodeCache>(new CodeCache(std::move(dir), max_bytes));
}

std::string CodeCache::DefaultDirectory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return absl::StrCat(xdg, "/mosaic/jit");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return absl::StrCat(home, "/.cache/mosaic/jit");
  }
  return "";
}

std::string CodeCache::EntryPath(const CodeCacheKey& key) const {
  return absl::StrCat(dir_, "/", KeyHex(key), kEntrySuffix);
}

std::unique_ptr<llvm::MemoryBuffer> CodeCache::Lookup(const CodeCacheKey& key) {
  const std::string path = EntryPath(key);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  llvm::StringRef bytes = (*file)->getBuffer();
  EntryHeader header;
  bool good = bytes.size() >= sizeof(header);
  if (good) {
    std::memcpy(&header, bytes.data(), sizeof(header));
    llvm::StringRef payload = bytes.drop_front(sizeof(header));
    good = std::memcmp(header.magic, kMagic, sizeof(kMagic)) == 0 &&
           header.version == kFormatVersion &&
           std::memcmp(header.key, key.data(), key.size()) == 0 &&
           header.payload_bytes == payload.size() &&
           Sha256(payload) == std::to_array(header.payload_sha256);
  }
  if (!good) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    misses_.fetch_add(1, std::memory_order_relaxed);
    ::unlink(path.c_str());  // replaced when this module's code has been generated
    return nullptr;
  }
  ::utimes(path.c_str(), nullptr);  // eviction removes the least recently used entries first
  hits_.fetch_add(1, std::memory_order_relaxed);
  return llvm::MemoryBuffer::getMemBufferCopy(bytes.drop_front(sizeof(header)),
                                              KeyHex(key) + kEntrySuffix);
}

void CodeCache::Store(const CodeCacheKey& key, llvm::StringRef object) {
  EntryHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.version = kFormatVersion;
  std::memcpy(header.key, key.data(), key.size());
  header.payload_bytes = object.size();
  const CodeCacheKey sum = Sha256(object);
  std::memcpy(header.payload_sha256, sum.data(), sum.size());

  thread_local std::mt19937_64 random(std::random_device{}());
  const std::string temp =
      absl::StrFormat("%s/.tmp-%d-%016x", dir_, static_cast<int>(::getpid()), random());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    store_failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  bool ok = WriteAll(fd, &header, sizeof(header)) && WriteAll(fd, object.data(), object.size());
  ok = (::close(fd) == 0) && ok;
  // rename() replaces any entry already there atomically: readers see the old or the new file.
  if (!ok || ::rename(temp.c_str(), EntryPath(key).c_str()) != 0) {
    ::unlink(temp.c_str());
    store_failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  stores_.fetch_add(1, std::memory_order_relaxed);
  EvictIfOver();
}

void CodeCache::EvictIfOver() {
  std::lock_guard<std::mutex> lock(evict_mu_);
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return;
  struct Entry {
    std::string path;
    int64_t mtime_ns;
    uint64_t bytes;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  while (dirent* e = ::readdir(d)) {
    llvm::StringRef name(e->d_name);
    const bool stale_temp = name.starts_with(".tmp-");
    if (!name.ends_with(kEntrySuffix) && !stale_temp) continue;
    std::string path = absl::StrCat(dir_, "/", e->d_name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) continue;
    const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    if (stale_temp) {
      // A writer that died between open and rename; a live writer's file is seconds old.
      if (::time(nullptr) - st.st_mtim.tv_sec > 3600) ::unlink(path.c_str());
      continue;
    }
    entries.push_back({std::move(path), mtime_ns, static_cast<uint64_t>(st.st_size)});
    total += static_cast<uint64_t>(st.st_size);
  }
  ::closedir(d);
  if (total <= max_bytes_) return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.mtime_ns < b.mtime_ns; });
  // Down to three quarters of the bound, so that a full cache is not scanned at every store.
  for (const Entry& e : entries) {
    if (total <= max_bytes_ / 4 * 3) break;
    if (::unlink(e.path.c_str()) == 0) {
      total -= e.bytes;
      evicted_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

CodeCacheStats CodeCache::Stats() const {
  CodeCacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.stores = stores_.load(std::memory_order_relaxed);
  s.rejected = rejected_.load(std::memory_order_relaxed);
  s.store_failures = store_failures_.load(std::memory_order_relaxed);
  s.evicted = evicted_.load(std::memory_order_relaxed);
  return s;
}

// --- Keys -----------------------------------------------------------------------------------

const std::string& BuildIdentity() {
  static const std::string identity = ComputeBuildIdentity();
  return identity;
}

CodeCacheKey ComputeCodeCacheKey(const llvm::Module& module, const CodeCacheContext& context) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // Every field is length-prefixed so that no two different inputs hash alike.
  auto field = [&os](llvm::StringRef s) { os << s.size() << ':' << s << ';'; };
  field(absl::StrCat("mosaic-jit-code-cache/", kFormatVersion));
  field(BuildIdentity());
  field(LLVM_VERSION_STRING);
  field(context.triple);
  field(context.cpu);
  field(context.features);
  field(context.data_layout);
  field(absl::StrCat("O", context.opt_level));
  field(context.statepoints ? "statepoints" : "no-statepoints");
  field(context.ir_pipeline);
  module.print(os, nullptr);
  return Sha256(text);
}

std::string KeyHex(const CodeCacheKey& key) {
  std::string hex;
  hex.reserve(2 * key.size());
  for (uint8_t b : key) absl::StrAppendFormat(&hex, "%02x", b);
  return hex;
}

bool KeyFromHex(llvm::StringRef hex, CodeCacheKey* key) {
  if (hex.size() != 2 * key->size()) return false;
  for (size_t i = 0; i < key->size(); ++i) {
    unsigned byte = 0;
    if (hex.substr(2 * i, 2).getAsInteger(16, byte)) return false;
    (*key)[i] = static_cast<uint8_t>(byte);
  }
  return true;
}

// --- Host addresses -------------------------------------------------------------------------

namespace {

bool MayBeHostAddress(uint64_t v) { return v >= (uint64_t{1} << 32) && v < (uint64_t{1} << 47); }

// Nearby addresses share one symbol (a cluster) and are written as that symbol plus an offset:
// the code generator can then keep the base in a register and reach its neighbours by
// displacement, as it does with the raw constants (constant hoisting), and alias analysis sees
// exact offsets from one object. The offsets inside a cluster are part of the key, so a cluster
// must not depend on placement that varies between runs. In a stable range (the GC heap at its
// fixed hint, whose allocation is deterministic) clusters span up to kStableGap between
// neighbours; elsewhere (malloc'd objects, whose relative placement varies with the history of
// the allocator and its arenas) only kUnstableGap, which in practice joins fields of one object
// or objects allocated back to back.
constexpr uint64_t kStableGap = uint64_t{1} << 20;
constexpr uint64_t kUnstableGap = 64;
constexpr uint64_t kClusterSpan = uint64_t{1} << 30;  // offsets stay within a displacement

class HostAddressAbstractor {
 public:
  HostAddressAbstractor(llvm::Module& m, const std::string& prefix,
                        const std::function<bool(uint64_t)>& stable)
      : m_(m), prefix_(prefix), stable_(stable) {}

  void Run() {
    ForEachOperand([this](llvm::Constant* c) {
      Rewrite(c, /*collect=*/true);
      return nullptr;
    });
    MakeClusters();
    ForEachOperand([this](llvm::Constant* c) { return Rewrite(c, /*collect=*/false); });
  }

  std::vector<std::pair<std::string, uint64_t>> TakeSymbols() { return std::move(symbols_); }

 private:
  // Calls `f` with every constant operand that may be rewritten and puts its non-null result
  // in place.
  template <typename F>
  void ForEachOperand(F f) {
    for (llvm::Function& fn : m_) {
      for (llvm::BasicBlock& bb : fn) {
        for (llvm::Instruction& inst : bb) {
          auto* call = llvm::dyn_cast<llvm::CallBase>(&inst);
          for (unsigned i = 0; i < inst.getNumOperands(); ++i) {
            if (llvm::isa<llvm::SwitchInst>(inst) && i != 0) continue;  // case values
            if (call != nullptr && i < call->arg_size() &&
                call->paramHasAttr(i, llvm::Attribute::ImmArg)) {
              continue;
            }
            if (call != nullptr && call->isBundleOperand(i)) continue;
            auto* c = llvm::dyn_cast<llvm::Constant>(inst.getOperand(i));
            if (c == nullptr || llvm::isa<llvm::GlobalValue>(c)) continue;
            if (llvm::Constant* r = f(c)) inst.setOperand(i, r);
          }
        }
      }
    }
  }

  // Collecting: records the host addresses in `c`. Rewriting: the replacement of `c`, or
  // nullptr when it holds no host address.
  llvm::Constant* Rewrite(llvm::Constant* c, bool collect) {
    if (auto* ci = llvm::dyn_cast<llvm::ConstantInt>(c)) {
      if (ci->getBitWidth() != 64 || !MayBeHostAddress(ci->getZExtValue())) return nullptr;
      if (collect) return Note(ci->getZExtValue());
      return llvm::ConstantExpr::getPtrToInt(Symbol(ci->getZExtValue()), ci->getType());
    }
    auto* ce = llvm::dyn_cast<llvm::ConstantExpr>(c);
    if (ce == nullptr) return nullptr;
    if (ce->getOpcode() == llvm::Instruction::IntToPtr) {
      auto* ci = llvm::dyn_cast<llvm::ConstantInt>(ce->getOperand(0));
      // Address-space-1 constants are tagged values (heap references at the fixed heap hint,
      // or immediates): left in the IR, and so in the key.
      if (ci == nullptr || ce->getType()->getPointerAddressSpace() != 0) return nullptr;
      if (ci->getBitWidth() != 64 || !MayBeHostAddress(ci->getZExtValue())) return nullptr;
      if (collect) return Note(ci->getZExtValue());
      return Symbol(ci->getZExtValue());
    }
    std::vector<llvm::Constant*> operands;
    bool changed = false;
    for (llvm::Use& u : ce->operands()) {
      llvm::Constant* op = llvm::cast<llvm::Constant>(u.get());
      llvm::Constant* r = Rewrite(op, collect);
      operands.push_back(r != nullptr ? r : op);
      changed |= r != nullptr;
    }
    return changed ? ce->getWithOperands(operands) : nullptr;
  }

  llvm::Constant* Note(uint64_t address) {
    if (seen_.insert(address).second) first_use_.push_back(address);
    return nullptr;
  }

  // Groups the addresses into clusters (by address) and numbers the clusters in order of first
  // use, which does not depend on where the mappings are.
  void MakeClusters() {
    std::vector<uint64_t> sorted = first_use_;
    std::sort(sorted.begin(), sorted.end());
    std::vector<uint64_t> base_of_sorted(sorted.size());
    for (size_t i = 0; i < sorted.size(); ++i) {
      const bool stable = stable_ && stable_(sorted[i]);
      const bool joins = i > 0 && stable == (stable_ && stable_(sorted[i - 1])) &&
                         sorted[i] - sorted[i - 1] < (stable ? kStableGap : kUnstableGap) &&
                         sorted[i] - base_of_sorted[i - 1] < kClusterSpan;
      base_of_sorted[i] = joins ? base_of_sorted[i - 1] : sorted[i];
    }
    absl::flat_hash_map<uint64_t, uint64_t> base;
    for (size_t i = 0; i < sorted.size(); ++i) base[sorted[i]] = base_of_sorted[i];
    absl::flat_hash_map<uint64_t, llvm::GlobalVariable*> symbol_of_base;
    for (uint64_t address : first_use_) {
      const uint64_t b = base[address];
      auto [it, inserted] = symbol_of_base.try_emplace(b, nullptr);
      if (inserted) {
        std::string name = absl::StrCat(prefix_, symbols_.size());
        // [0 x i8]: nothing may be assumed dereferenceable; align 1: nothing about alignment.
        auto* gv = new llvm::GlobalVariable(
            m_, llvm::ArrayType::get(llvm::Type::getInt8Ty(m_.getContext()), 0),
            /*isConstant=*/false, llvm::GlobalValue::ExternalLinkage, nullptr, name);
        gv->setAlignment(llvm::Align(1));
        it->second = gv;
        symbols_.emplace_back(std::move(name), b);
      }
      address_.try_emplace(address, it->second, address - b);
    }
  }

  // `address` as its cluster's symbol plus an offset (a plain, not inbounds, GEP).
  llvm::Constant* Symbol(uint64_t address) {
    const auto& [gv, offset] = address_.at(address);
    if (offset == 0) return gv;
    llvm::Type* i8 = llvm::Type::getInt8Ty(m_.getContext());
    return llvm::ConstantExpr::getGetElementPtr(
        i8, gv, llvm::ConstantInt::get(llvm::Type::getInt64Ty(m_.getContext()), offset));
  }

  llvm::Module& m_;
  const std::string& prefix_;
  const std::function<bool(uint64_t)>& stable_;
  std::vector<uint64_t> first_use_;
  absl::flat_hash_set<uint64_t> seen_;
  absl::flat_hash_map<uint64_t, std::pair<llvm::GlobalVariable*, uint64_t>> address_;
  std::vector<std::pair<std::string, uint64_t>> symbols_;
};

}  // namespace

std::vector<std::pair<std::string, uint64_t>> AbstractHostAddresses(
    llvm::Module& module, const std::string& prefix,
    const std::function<bool(uint64_t)>& stable) {
  HostAddressAbstractor abstractor(module, prefix, stable);
  abstractor.Run();
  return abstractor.TakeSymbols();
}

void RenameHostSymbols(llvm::Module& module,
                       std::vector<std::pair<std::string, uint64_t>>& symbols,
                       const std::string& from, const std::string& to) {
  for (auto& [name, address] : symbols) {
    std::string renamed = to + name.substr(from.size());
    if (llvm::GlobalVariable* gv = module.getNamedGlobal(name)) gv->setName(renamed);
    name = std::move(renamed);
  }
}

}  // namespace mosaic::jit
