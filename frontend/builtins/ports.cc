// Ports: string ports, file ports and the console, and the procedures that read and write them.
//
// A port is a heap object (ObjType::kPort) whose state word points at a PortState, held by a
// finalizer: a file port that becomes unreachable without being closed is closed when its
// finalizer runs (after the collection that found it unreachable). The console ports write
// through WriteOutput (the engine's output, one piece per call, as display always did) and read
// the process's standard input.
//
// Characters are Unicode code points read from UTF-8 (a byte that does not start a valid
// sequence is read as itself); strings are bytes, so read-line and read-string return the bytes
// of the text unchanged, as string literals in source are.
//
// Deviations from R7RS (for docs/toylang.md):
// - Binary ports (bytevector ports, open-binary-input-file, open-binary-output-file) and textual
//   ports differ only in what binary-port? and textual-port? say: the byte operations (read-u8,
//   write-u8, ...) and the character operations work on either kind.
// - (current-output-port) inside with-output-to-file is the file's port; outside, the console
//   port, one object per runtime.
// - char-ready? on the console is #t only when a character is already buffered.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/builtins/continuations.h"
#include "frontend/builtins/exceptions.h"
#include "frontend/common/utf8.h"
#include "frontend/objects/datum_value.h"
#include "frontend/objects/printer.h"
#include "frontend/reader/reader.h"
#include "mosaic/roots.h"

namespace toylang::builtins_internal {

struct PortState {
  enum class Kind : uint8_t { kString, kFile, kConsole };
  Kind kind = Kind::kString;
  bool input = false;
  bool open = true;
  bool error = false;  // the console's error port (standard error)
  bool binary = false;  // made by a binary constructor (binary-port?)
  std::string name;    // the file name, for errors
  // Input: the bytes not yet read are buf[pos..]; a file or the console refills buf from `in`.
  // Output: a string port's text so far.
  std::string buf;
  size_t pos = 0;
  std::unique_ptr<std::istream> file_in;
  std::istream* in = nullptr;
  std::unique_ptr<std::ofstream> file_out;

  // At least `n` bytes buffered after pos, if the source has them; false at the end.
  bool Fill(size_t n) {
    while (buf.size() - pos < n) {
      if (in == nullptr || !*in) return false;
      if (pos > 0 && pos == buf.size()) {
        buf.clear();
        pos = 0;
      }
      char chunk[4096];
      // The console is read a line at a time (a program reading input interactively must not
      // wait for 4 KiB); a file a chunk at a time.
      if (kind == Kind::kConsole) {
        std::string line;
        if (!std::getline(*in, line)) return buf.size() - pos >= n;
        if (!in->eof()) line.push_back('\n');
        buf.append(line);
      } else {
        in->read(chunk, sizeof chunk);
        buf.append(chunk, static_cast<size_t>(in->gcount()));
        if (in->gcount() == 0) return false;
      }
    }
    return true;
  }
  void Close() {
    open = false;
    file_in.reset();
    in = nullptr;
    if (file_out) file_out->close();
    file_out.reset();
  }
};

namespace {

using V = Value;

constexpr size_t kPortSlots = 1;  // the state word
// Runtime::builtin_root slots.
constexpr size_t kConsoleIn = 0;
constexpr size_t kConsoleOut = 1;
constexpr size_t kConsoleErr = 2;

// The current ports set by with-output-to-file and with-input-from-file on this thread, innermost
// last. Each is also held by a Handle in the frame of the call that pushed it.
thread_local std::vector<V> tls_output_override;
thread_local std::vector<V> tls_input_override;

V NewPort(std::shared_ptr<PortState> state) {
  return NewStateObject(ObjType::kPort, kPortSlots, std::move(state));
}

PortState& StateOfPort(const char* who, V v) {
  if (!IsPort(v)) TypeError(who, "port", v);
  return *StateOf<PortState>(v);
}

PortState& InputPort(const char* who, V v) {
  PortState& p = StateOfPort(who, v);
  if (!p.input) TypeError(who, "input port", v);
  if (!p.open) Fail(Cat(who, ": the port is closed"));
  return p;
}

PortState& OutputPort(const char* who, V v) {
  PortState& p = StateOfPort(who, v);
  if (p.input) TypeError(who, "output port", v);
  if (!p.open) Fail(Cat(who, ": the port is closed"));
  return p;
}

V ConsolePort(size_t slot) {
  Runtime& rt = Runtime::Get();
  V port = rt.builtin_root(slot);
  if (IsPort(port)) return port;
  auto state = std::make_shared<PortState>();
  state->kind = PortState::Kind::kConsole;
  state->input = slot == kConsoleIn;
  state->error = slot == kConsoleErr;
  state->name = slot == kConsoleIn    ? "standard input"
                : slot == kConsoleErr ? "standard error"
                                      : "standard output";
  if (state->input) state->in = &std::cin;
  port = NewPort(std::move(state));
  rt.set_builtin_root(slot, port);
  return port;
}

V CurrentInput() {
  return tls_input_override.empty() ? ConsolePort(kConsoleIn) : tls_input_override.back();
}
V CurrentOutput() {
  return tls_output_override.empty() ? ConsolePort(kConsoleOut) : tls_output_override.back();
}

// The port argument args[i] if given, else the current one.
V InputArg(const V* args, int argc, int i) { return i < argc ? args[i] : CurrentInput(); }

void Write(CallContext& ctx, PortState& p, std::string_view text) {
  switch (p.kind) {
    case PortState::Kind::kConsole:
      if (p.error) {
        std::cerr << text;
      } else {
        WriteOutput(ctx, text);
      }
      return;
    case PortState::Kind::kString:
      p.buf.append(text);
      return;
    case PortState::Kind::kFile:
      p.file_out->write(text.data(), static_cast<std::streamsize>(text.size()));
      if (!*p.file_out) Fail(Cat("write: cannot write to file ", p.name));
      return;
  }
}

// The next character of `p` without consuming it (its UTF-8 length in *bytes), or EOF.
V PeekChar(PortState& p, size_t* bytes) {
  if (!p.Fill(1)) return V::Eof();
  const auto lead = static_cast<unsigned char>(p.buf[p.pos]);
  size_t n = lead < 0x80           ? 1
             : (lead >> 5) == 0x6  ? 2
             : (lead >> 4) == 0xe  ? 3
             : (lead >> 3) == 0x1e ? 4
                                   : 1;
  if (n > 1 && !p.Fill(n)) n = 1;
  uint32_t cp = n == 1 ? lead : lead & (0x7f >> n);
  for (size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(p.buf[p.pos + i]);
    if ((b & 0xc0) != 0x80) {  // not a continuation: the lead byte alone
      n = 1;
      cp = lead;
      break;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp > 0x10ffff) {
    n = 1;
    cp = lead;
  }
  *bytes = n;
  return V::Char(cp);
}

// --- Port objects --------------------------------------------------------------------------

V PortP(CallContext&, const V* a, int) { return V::Bool(IsPort(a[0])); }
V InputPortP(CallContext&, const V* a, int) {
  return V::Bool(IsPort(a[0]) && StateOf<PortState>(a[0])->input);
}
V OutputPortP(CallContext&, const V* a, int) {
  return V::Bool(IsPort(a[0]) && !StateOf<PortState>(a[0])->input);
}
V TextualPortP(CallContext&, const V* a, int) {
  return V::Bool(IsPort(a[0]) && !StateOf<PortState>(a[0])->binary);
}
V BinaryPortP(CallContext&, const V* a, int) {
  return V::Bool(IsPort(a[0]) && StateOf<PortState>(a[0])->binary);
}
V InputPortOpenP(CallContext&, const V* a, int) {
  PortState& p = StateOfPort("input-port-open?", a[0]);
  return V::Bool(p.input && p.open);
}
V OutputPortOpenP(CallContext&, const V* a, int) {
  PortState& p = StateOfPort("output-port-open?", a[0]);
  return V::Bool(!p.input && p.open);
}
V CurrentInputPort(CallContext&, const V*, int) { return CurrentInput(); }
V CurrentOutputPort(CallContext&, const V*, int) { return CurrentOutput(); }
V CurrentErrorPort(CallContext&, const V*, int) { return ConsolePort(kConsoleErr); }

V OpenInputString(CallContext&, const V* a, int) {
  auto state = std::make_shared<PortState>();
  state->input = true;
  state->buf = std::string(StringView(CheckString("open-input-string", a[0])));
  return NewPort(std::move(state));
}
V OpenOutputString(CallContext&, const V*, int) { return NewPort(std::make_shared<PortState>()); }
V GetOutputString(CallContext&, const V* a, int) {
  PortState& p = StateOfPort("get-output-string", a[0]);
  if (p.input || p.kind != PortState::Kind::kString) {
    TypeError("get-output-string", "string output port", a[0]);
  }
  return MakeString(p.buf);
}

V OpenInputFileNamed(const char* who, V name) {
  std::string path(StringView(CheckString(who, name)));
  auto state = std::make_shared<PortState>();
  state->kind = PortState::Kind::kFile;
  state->input = true;
  state->name = path;
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) throw FileError(Cat(who, ": cannot open file ", WriteString(name), " for reading"));
  state->in = file.get();
  state->file_in = std::move(file);
  return NewPort(std::move(state));
}
V OpenOutputFileNamed(const char* who, V name) {
  std::string path(StringView(CheckString(who, name)));
  auto state = std::make_shared<PortState>();
  state->kind = PortState::Kind::kFile;
  state->name = path;
  state->file_out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*state->file_out) {
    throw FileError(Cat(who, ": cannot open file ", WriteString(name), " for writing"));
  }
  return NewPort(std::move(state));
}
V OpenInputFile(CallContext&, const V* a, int) {
  return OpenInputFileNamed("open-input-file", a[0]);
}
V OpenOutputFile(CallContext&, const V* a, int) {
  return OpenOutputFileNamed("open-output-file", a[0]);
}

V OpenBinaryInputFile(CallContext&, const V* a, int) {
  V port = OpenInputFileNamed("open-binary-input-file", a[0]);
  StateOf<PortState>(port)->binary = true;
  return port;
}
V OpenBinaryOutputFile(CallContext&, const V* a, int) {
  V port = OpenOutputFileNamed("open-binary-output-file", a[0]);
  StateOf<PortState>(port)->binary = true;
  return port;
}

// --- Bytevector ports and byte input/output ------------------------------------------------

V OpenInputBytevector(CallContext&, const V* a, int) {
  V b = a[0];
  if (!IsBytevector(b)) TypeError("open-input-bytevector", "bytevector", b);
  auto state = std::make_shared<PortState>();
  state->input = true;
  state->binary = true;
  state->buf.assign(reinterpret_cast<const char*>(BytevectorData(b)), BytevectorLength(b));
  return NewPort(std::move(state));
}
V OpenOutputBytevector(CallContext&, const V*, int) {
  auto state = std::make_shared<PortState>();
  state->binary = true;
  return NewPort(std::move(state));
}
V GetOutputBytevector(CallContext&, const V* a, int) {
  PortState& p = StateOfPort("get-output-bytevector", a[0]);
  if (p.input || p.kind != PortState::Kind::kString || !p.binary) {
    TypeError("get-output-bytevector", "bytevector output port", a[0]);
  }
  V b = MakeBytevector(p.buf.size(), 0);
  if (!p.buf.empty()) std::memcpy(BytevectorData(b), p.buf.data(), p.buf.size());
  return b;
}
V ReadU8(CallContext&, const V* a, int n) {
  PortState& p = InputPort("read-u8", InputArg(a, n, 0));
  if (!p.Fill(1)) return V::Eof();
  return V::Fixnum(static_cast<unsigned char>(p.buf[p.pos++]));
}
V PeekU8(CallContext&, const V* a, int n) {
  PortState& p = InputPort("peek-u8", InputArg(a, n, 0));
  if (!p.Fill(1)) return V::Eof();
  return V::Fixnum(static_cast<unsigned char>(p.buf[p.pos]));
}
V U8ReadyP(CallContext&, const V* a, int n) {
  PortState& p = InputPort("u8-ready?", InputArg(a, n, 0));
  if (p.kind == PortState::Kind::kConsole) return V::Bool(p.pos < p.buf.size());
  return V::True();
}
// (read-bytevector k [port]): up to k bytes, fewer at the end, the eof object when none is left.
V ReadBytevector(CallContext&, const V* a, int n) {
  int64_t k = CheckFixnum("read-bytevector", a[0]);
  if (k < 0) TypeError("read-bytevector", "non-negative count", a[0]);
  PortState& p = InputPort("read-bytevector", InputArg(a, n, 1));
  if (k == 0) return MakeBytevector(0, 0);
  p.Fill(static_cast<size_t>(k));
  size_t available = std::min(p.buf.size() - p.pos, static_cast<size_t>(k));
  if (available == 0) return V::Eof();
  V b = MakeBytevector(available, 0);
  std::memcpy(BytevectorData(b), p.buf.data() + p.pos, available);
  p.pos += available;
  return b;
}
V WriteU8(CallContext& ctx, const V* a, int n) {
  if (!a[0].IsFixnum() || a[0].FixnumValue() < 0 || a[0].FixnumValue() > 255) {
    TypeError("write-u8", "byte (an exact integer from 0 to 255)", a[0]);
  }
  char byte = static_cast<char>(a[0].FixnumValue());
  PortOutput(ctx, "write-u8", a, n, 1, std::string_view(&byte, 1));
  return V::Unspecified();
}
// (write-bytevector bv [port [start [end]]])
V WriteBytevector(CallContext& ctx, const V* a, int n) {
  V b = a[0];
  if (!IsBytevector(b)) TypeError("write-bytevector", "bytevector", b);
  size_t start = 0, end = BytevectorLength(b);
  CheckRange("write-bytevector", a, n, 2, BytevectorLength(b), "bytevector", &start, &end);
  std::string bytes(reinterpret_cast<const char*>(BytevectorData(b)) + start, end - start);
  PortOutput(ctx, "write-bytevector", a, n, 1, bytes);
  return V::Unspecified();
}

V ClosePort(CallContext&, const V* a, int) {
  StateOfPort("close-port", a[0]).Close();
  return V::Unspecified();
}
V CloseInputPort(CallContext&, const V* a, int) {
  PortState& p = StateOfPort("close-input-port", a[0]);
  if (!p.input) TypeError("close-input-port", "input port", a[0]);
  p.Close();
  return V::Unspecified();
}
V CloseOutputPort(CallContext&, const V* a, int) {
  PortState& p = StateOfPort("close-output-port", a[0]);
  if (p.input) TypeError("close-output-port", "output port", a[0]);
  p.Close();
  return V::Unspecified();
}

// (call-with-input-file name proc), (call-with-output-file name proc), (call-with-port port
// proc): proc's result; the port is closed when proc returns (not when it raises: R7RS leaves
// that open, and the finalizer closes it once it is unreachable).
V CallWithPortValue(CallContext& ctx, V port, V proc) {
  // Closes the port when proc returns, and holds a HandleScope: not restorable by a re-entry.
  ContinuationBarrier barrier("call-with-port");
  mosaic::HandleScope scope;
  mosaic::Handle held(port);
  V result = ctx.Apply(proc, &port, 1);
  StateOf<PortState>(held.get())->Close();
  return result;
}
V CallWithInputFile(CallContext& ctx, const V* a, int) {
  CheckProcedure("call-with-input-file", a[1]);
  return CallWithPortValue(ctx, OpenInputFileNamed("call-with-input-file", a[0]), a[1]);
}
V CallWithOutputFile(CallContext& ctx, const V* a, int) {
  CheckProcedure("call-with-output-file", a[1]);
  return CallWithPortValue(ctx, OpenOutputFileNamed("call-with-output-file", a[0]), a[1]);
}
V CallWithPort(CallContext& ctx, const V* a, int) {
  StateOfPort("call-with-port", a[0]);
  CheckProcedure("call-with-port", a[1]);
  return CallWithPortValue(ctx, a[0], a[1]);
}

// (with-output-to-file name thunk), (with-input-from-file name thunk): the thunk runs with the
// file as the current port; the file is closed and the previous port restored however the thunk
// ends.
V WithPort(CallContext& ctx, V port, V thunk, std::vector<V>& stack) {
  // Pops the override stack and closes the file however the thunk ends: not restorable by a
  // re-entry.
  ContinuationBarrier barrier(&stack == &tls_output_override ? "with-output-to-file"
                                                             : "with-input-from-file");
  mosaic::HandleScope scope;
  mosaic::Handle held(port);
  stack.push_back(port);
  struct Restore {
    std::vector<V>& stack;
    mosaic::Handle& held;
    ~Restore() {
      stack.pop_back();
      StateOf<PortState>(held.get())->Close();
    }
  } restore{stack, held};
  return ctx.Apply(thunk, nullptr, 0);
}
V WithOutputToFile(CallContext& ctx, const V* a, int) {
  CheckProcedure("with-output-to-file", a[1]);
  return WithPort(ctx, OpenOutputFileNamed("with-output-to-file", a[0]), a[1], tls_output_override);
}
V WithInputFromFile(CallContext& ctx, const V* a, int) {
  CheckProcedure("with-input-from-file", a[1]);
  return WithPort(ctx, OpenInputFileNamed("with-input-from-file", a[0]), a[1], tls_input_override);
}

// --- Input -----------------------------------------------------------------------------------

V ReadChar(CallContext&, const V* a, int n) {
  PortState& p = InputPort("read-char", InputArg(a, n, 0));
  size_t bytes = 0;
  V c = PeekChar(p, &bytes);
  p.pos += bytes;
  return c;
}
V PeekCharFn(CallContext&, const V* a, int n) {
  size_t bytes = 0;
  return PeekChar(InputPort("peek-char", InputArg(a, n, 0)), &bytes);
}
V CharReadyP(CallContext&, const V* a, int n) {
  PortState& p = InputPort("char-ready?", InputArg(a, n, 0));
  if (p.kind == PortState::Kind::kConsole) return V::Bool(p.pos < p.buf.size());
  return V::True();  // a string or a file never blocks
}
V ReadLine(CallContext&, const V* a, int n) {
  PortState& p = InputPort("read-line", InputArg(a, n, 0));
  if (!p.Fill(1)) return V::Eof();
  std::string line;
  for (;;) {
    size_t nl = p.buf.find('\n', p.pos);
    if (nl != std::string::npos) {
      line.append(p.buf, p.pos, nl - p.pos);
      p.pos = nl + 1;
      break;
    }
    line.append(p.buf, p.pos, std::string::npos);
    p.pos = p.buf.size();
    if (!p.Fill(1)) break;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return MakeString(line);
}
V ReadString(CallContext&, const V* a, int n) {
  // R7RS: (read-string k [port]).
  int64_t k = CheckFixnum("read-string", a[0]);
  if (k < 0) Fail(Cat("read-string: expected a non-negative count, got ", k));
  PortState& p = InputPort("read-string", InputArg(a, n, 1));
  std::string out;
  size_t bytes = 0;
  for (int64_t i = 0; i < k; ++i) {
    if (PeekChar(p, &bytes) == V::Eof()) break;
    out.append(p.buf, p.pos, bytes);
    p.pos += bytes;
  }
  if (out.empty() && k > 0) return V::Eof();
  return MakeString(out);
}
V Read(CallContext&, const V* a, int n) {
  PortState& p = InputPort("read", InputArg(a, n, 0));
  // A datum may span lines: the reader sees everything buffered, and asks for more (another
  // line of the console, the rest of a file) while the datum is incomplete.
  static const std::string kFile = "read";
  for (;;) {
    std::string_view rest(p.buf.data() + p.pos, p.buf.size() - p.pos);
    try {
      Reader reader(rest, &kFile);
      DatumPtr d = reader.Next();
      if (d == nullptr) {
        if (p.Fill(p.buf.size() - p.pos + 1)) continue;  // only atmosphere so far: read on
        p.pos = p.buf.size();
        return V::Eof();
      }
      size_t used = reader.consumed();
      // A symbol or number at the very end may continue in the next chunk.
      if (used == rest.size() && p.Fill(rest.size() + 1)) continue;
      p.pos += used;
      return DatumToValue(*d);
    } catch (const ReadError& e) {
      if (e.incomplete() && p.Fill(rest.size() + 1)) continue;
      p.pos = p.buf.size();  // what follows a bad datum is not worth reading on from
      // The position is in the port's text, not in the program: the message says so, and the
      // error takes the position of the call to read.
      throw ReadSyntaxError(Cat("read: ", e.message(), " (line ", e.pos().line, ", column ",
                                e.pos().col, " of the text read)"));
    }
  }
}
V EofObject(CallContext&, const V*, int) { return V::Eof(); }
V EofObjectP(CallContext&, const V* a, int) { return V::Bool(a[0] == V::Eof()); }

// --- Output ----------------------------------------------------------------------------------

V WriteStringFn(CallContext& ctx, const V* a, int n) {
  std::string_view s = StringView(CheckString("write-string", a[0]));
  size_t start = 0, end = s.size();
  CheckRange("write-string", a, n, 2, s.size(), "string", &start, &end);
  PortOutput(ctx, "write-string", a, n, 1, s.substr(start, end - start));
  return V::Unspecified();
}
V FlushOutputPort(CallContext&, const V* a, int n) {
  PortState& p = OutputPort("flush-output-port", n > 0 ? a[0] : CurrentOutput());
  if (p.kind == PortState::Kind::kFile) p.file_out->flush();
  if (p.kind == PortState::Kind::kConsole) std::cout.flush();
  return V::Unspecified();
}

constexpr Builtin kBuiltins[] = {
    {"port?", 1, 1, PortP},
    {"input-port?", 1, 1, InputPortP},
    {"output-port?", 1, 1, OutputPortP},
    {"textual-port?", 1, 1, TextualPortP},
    {"binary-port?", 1, 1, BinaryPortP},
    {"open-binary-input-file", 1, 1, OpenBinaryInputFile},
    {"open-binary-output-file", 1, 1, OpenBinaryOutputFile},
    {"open-input-bytevector", 1, 1, OpenInputBytevector},
    {"open-output-bytevector", 0, 0, OpenOutputBytevector},
    {"get-output-bytevector", 1, 1, GetOutputBytevector},
    {"read-u8", 0, 1, ReadU8},
    {"peek-u8", 0, 1, PeekU8},
    {"u8-ready?", 0, 1, U8ReadyP},
    {"read-bytevector", 1, 2, ReadBytevector},
    {"write-u8", 1, 2, WriteU8},
    {"write-bytevector", 1, 4, WriteBytevector},
    {"input-port-open?", 1, 1, InputPortOpenP},
    {"output-port-open?", 1, 1, OutputPortOpenP},
    {"current-input-port", 0, 0, CurrentInputPort},
    {"current-output-port", 0, 0, CurrentOutputPort},
    {"current-error-port", 0, 0, CurrentErrorPort},
    {"open-input-string", 1, 1, OpenInputString},
    {"open-output-string", 0, 0, OpenOutputString},
    {"get-output-string", 1, 1, GetOutputString},
    {"open-input-file", 1, 1, OpenInputFile},
    {"open-output-file", 1, 1, OpenOutputFile},
    {"close-port", 1, 1, ClosePort},
    {"close-input-port", 1, 1, CloseInputPort},
    {"close-output-port", 1, 1, CloseOutputPort},
    {"call-with-port", 2, 2, CallWithPort},
    {"call-with-input-file", 2, 2, CallWithInputFile},
    {"call-with-output-file", 2, 2, CallWithOutputFile},
    {"with-output-to-file", 2, 2, WithOutputToFile},
    {"with-input-from-file", 2, 2, WithInputFromFile},
    {"read-char", 0, 1, ReadChar},
    {"peek-char", 0, 1, PeekCharFn},
    {"char-ready?", 0, 1, CharReadyP},
    {"read-line", 0, 1, ReadLine},
    {"read-string", 1, 2, ReadString},
    {"read", 0, 1, Read},
    {"eof-object", 0, 0, EofObject},
    {"eof-object?", 1, 1, EofObjectP},
    {"write-string", 1, 4, WriteStringFn},
    {"flush-output-port", 0, 1, FlushOutputPort},
};

}  // namespace

void PortOutput(CallContext& ctx, const char* who, const Value* args, int argc, int port_index,
                std::string_view text) {
  if (port_index >= argc && tls_output_override.empty()) {
    WriteOutput(ctx, text);  // the console, as before ports existed
    return;
  }
  Write(ctx, OutputPort(who, port_index < argc ? args[port_index] : CurrentOutput()), text);
}

absl::Span<const Builtin> PortBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
