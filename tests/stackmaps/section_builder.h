// Writes `.llvm_stackmaps` v3 sections byte by byte from the format's description (LLVM's
// StackMaps.rst), independently of the parser under test.
#ifndef MOSAIC_TESTS_STACKMAPS_SECTION_BUILDER_H_
#define MOSAIC_TESTS_STACKMAPS_SECTION_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <vector>

namespace mosaic::stackmaps::testing {

struct Loc {
  uint8_t kind;  // 1 Register, 2 Direct, 3 Indirect, 4 Constant, 5 ConstantIndex
  uint16_t size;
  uint16_t reg;
  int32_t value;  // offset or small constant
};
inline Loc Const(int32_t v) { return {4, 8, 0, v}; }
inline Loc Rsp(int32_t off) { return {3, 8, 7, off}; }
inline Loc Rbp(int32_t off) { return {3, 8, 6, off}; }
inline Loc Reg(uint16_t reg) { return {1, 8, reg, 0}; }

struct Rec {
  uint64_t id;
  uint32_t offset;
  std::vector<Loc> locs;  // the statepoint header (cc, flags, deopt count) is NOT added
  bool add_statepoint_header = true;
};

struct Fn {
  uint64_t address;
  uint64_t stack_size;
  std::vector<Rec> records;
};

class SectionBuilder {
 public:
  std::vector<uint8_t> Build(const std::vector<Fn>& fns, uint8_t version = 3) {
    out_.clear();
    uint32_t num_records = 0;
    for (const Fn& f : fns) num_records += static_cast<uint32_t>(f.records.size());
    Put<uint8_t>(version);
    Put<uint8_t>(0);
    Put<uint16_t>(0);
    Put<uint32_t>(static_cast<uint32_t>(fns.size()));
    Put<uint32_t>(0);  // constants
    Put<uint32_t>(num_records);
    for (const Fn& f : fns) {
      Put<uint64_t>(f.address);
      Put<uint64_t>(f.stack_size);
      Put<uint64_t>(f.records.size());
    }
    for (const Fn& f : fns) {
      for (const Rec& r : f.records) {
        std::vector<Loc> locs;
        if (r.add_statepoint_header) locs = {Const(0), Const(0), Const(0)};
        locs.insert(locs.end(), r.locs.begin(), r.locs.end());
        Put<uint64_t>(r.id);
        Put<uint32_t>(r.offset);
        Put<uint16_t>(0);
        Put<uint16_t>(static_cast<uint16_t>(locs.size()));
        for (const Loc& l : locs) {
          Put<uint8_t>(l.kind);
          Put<uint8_t>(0);
          Put<uint16_t>(l.size);
          Put<uint16_t>(l.reg);
          Put<uint16_t>(0);
          Put<int32_t>(l.value);
        }
        Align8();
        Put<uint16_t>(0);  // padding
        Put<uint16_t>(0);  // no live-outs
        Align8();
      }
    }
    return out_;
  }

 private:
  template <typename T>
  void Put(T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.insert(out_.end(), b, b + sizeof(T));
  }
  void Align8() {
    while (out_.size() % 8 != 0) out_.push_back(0);
  }
  std::vector<uint8_t> out_;
};

}  // namespace mosaic::stackmaps::testing

#endif  // MOSAIC_TESTS_STACKMAPS_SECTION_BUILDER_H_
