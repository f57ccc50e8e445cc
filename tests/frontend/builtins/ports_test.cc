// Tests of frontend/builtins/ports.cc and the port arguments of io.cc's output procedures:
// string ports, file ports (and the finalizer that closes an unreachable one), the console, and
// the errors. Expected values follow R7RS section 6.13.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

class PortsTest : public RuntimeTest {
 protected:
  // A file name of this test's own (tests run in parallel), removed at the end.
  std::string TempPath(const std::string& tag) {
    std::string path =
        ::testing::TempDir() + "toylang-ports-" + tag + "-" + std::to_string(::getpid());
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const std::string& p : paths_) std::remove(p.c_str());
    RuntimeTest::TearDown();
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::vector<std::string> paths_;
};

// Overwrites the stack below the caller's frame, where stale copies of values may linger.
__attribute__((noinline)) void ClearStack() {
  volatile char zeros[64 * 1024];
  for (char& c : const_cast<char(&)[64 * 1024]>(zeros)) c = 0;
}

TEST_F(PortsTest, StringInputPortsReadCharactersLinesAndDatums) {
  // "λ" is two bytes of UTF-8: one character.
  Value p = Call("open-input-string", {Str("ab\xce\xbb (x . y) 42 \"s\"\nline two\r\nlast")});
  EXPECT_EQ(W(Call("peek-char", {p})), "#\\a");
  EXPECT_EQ(W(Call("read-char", {p})), "#\\a");
  EXPECT_EQ(W(Call("read-char", {p})), "#\\b");
  EXPECT_EQ(Call("read-char", {p}), Value::Char(0x3bb));
  EXPECT_EQ(W(Call("read", {p})), "(x . y)");
  EXPECT_EQ(Call("read", {p}), Fx(42));
  EXPECT_EQ(W(Call("read", {p})), "\"s\"");
  EXPECT_EQ(W(Call("read-line", {p})), "\"\"");          // the rest of the line after "s"
  EXPECT_EQ(W(Call("read-line", {p})), "\"line two\"");  // without its CR LF
  EXPECT_EQ(W(Call("read-line", {p})), "\"last\"");      // no final newline
  EXPECT_EQ(Call("read-line", {p}), Value::Eof());
  EXPECT_EQ(Call("read-char", {p}), Value::Eof());
  EXPECT_EQ(Call("peek-char", {p}), Value::Eof());
  EXPECT_EQ(Call("read", {p}), Value::Eof());
  EXPECT_EQ(Call("char-ready?", {p}), Value::True());

  Value q = Call("open-input-string", {Str("abc\xce\xbb"
                                           "def")});
  EXPECT_EQ(W(Call("read-string", {Fx(4), q})), "\"abc\xce\xbb\"");  // 4 characters, 5 bytes
  EXPECT_EQ(W(Call("read-string", {Fx(10), q})), "\"def\"");
  EXPECT_EQ(Call("read-string", {Fx(1), q}), Value::Eof());
  EXPECT_EQ(W(Call("read-string", {Fx(0), q})), "\"\"");
  // A datum cut off by the end of the input is an error, not a silent EOF.
  Value r = Call("open-input-string", {Str("(1 2")});
  EXPECT_EQ(CallError("read", {r}),
            "read: missing ')' to close the list opened here (line 1, column 1 of the text read)");
  // A byte that starts no UTF-8 sequence is read as itself.
  Value s = Call("open-input-string", {Str("\xff")});
  EXPECT_EQ(Call("read-char", {s}), Value::Char(0xff));
}

TEST_F(PortsTest, OutputGoesToTheGivenPortOrTheConsole) {
  FakeContext& ctx = ctx_;
  Value o = Call("open-output-string", {});
  Call("write", {Sym("sym"), o});
  Call("display", {Str(" "), o});
  Call("write", {Str("q"), o});
  Call("write-char", {Ch('!'), o});
  Call("newline", {o});
  Call("write-string", {Str("abcdef"), o, Fx(2), Fx(4)});
  EXPECT_EQ(W(Call("get-output-string", {o})), "\"sym \\\"q\\\"!\\ncd\"");
  EXPECT_EQ(ctx.TakeOutput(), "") << "nothing went to the console";
  Call("display", {Str("to the console")});
  Call("newline", {});
  Call("write-string", {Str("xyz")});
  EXPECT_EQ(ctx.TakeOutput(), "to the console\nxyz");
  EXPECT_EQ(Call("current-output-port", {}), Call("current-output-port", {}));
  EXPECT_EQ(Call("output-port?", {Call("current-output-port", {})}), Value::True());
  EXPECT_EQ(Call("input-port?", {Call("current-input-port", {})}), Value::True());
  Call("display", {Str("via the port object"), Call("current-output-port", {})});
  EXPECT_EQ(ctx.TakeOutput(), "via the port object");
}

TEST_F(PortsTest, ClosedAndWrongPortsAreClearErrors) {
  Value in = Call("open-input-string", {Str("abc")});
  Value out = Call("open-output-string", {});
  EXPECT_EQ(CallError("read-char", {out}), "read-char: expected an input port, got #<port>");
  EXPECT_EQ(CallError("display", {Fx(1), in}), "display: expected an output port, got #<port>");
  EXPECT_EQ(CallError("newline", {Fx(1)}), "newline: expected a port, got 1");
  EXPECT_EQ(CallError("get-output-string", {in}),
            "get-output-string: expected a string output port, got #<port>");
  EXPECT_EQ(Call("input-port-open?", {in}), Value::True());
  Call("close-port", {in});
  EXPECT_EQ(Call("input-port-open?", {in}), Value::False());
  EXPECT_EQ(CallError("read-char", {in}), "read-char: the port is closed");
  Call("close-output-port", {out});
  EXPECT_EQ(CallError("write", {Fx(1), out}), "write: the port is closed");
  EXPECT_EQ(CallError("open-input-file", {Str("/nonexistent/toylang/file")}),
            "open-input-file: cannot open file \"/nonexistent/toylang/file\" for reading");
  EXPECT_EQ(CallError("read-string", {Fx(-1), in}),
            "read-string: expected a non-negative count, got -1");
}

TEST_F(PortsTest, FilePortsWriteAndReadBack) {
  const std::string path = TempPath("rw");
  Value out = Call("open-output-file", {Str(path)});
  Call("write", {R("(1 \"two\" 3.5)"), out});
  Call("newline", {out});
  Call("display", {Str("second"), out});
  Call("close-port", {out});
  EXPECT_EQ(Slurp(path), "(1 \"two\" 3.5)\nsecond");
  Value in = Call("open-input-file", {Str(path)});
  EXPECT_EQ(W(Call("read", {in})), "(1 \"two\" 3.5)");
  EXPECT_EQ(W(Call("read-line", {in})), "\"\"");
  EXPECT_EQ(W(Call("read", {in})), "second");
  EXPECT_EQ(Call("read", {in}), Value::Eof());
  // with-output-to-file: the thunk's output (newline, here a primitive) goes to the file, and
  // the console is the current port again afterwards.
  const std::string path2 = TempPath("with");
  Call("with-output-to-file", {Str(path2), Proc("newline")});
  EXPECT_EQ(Slurp(path2), "\n");
  Call("display", {Str("after")});
  EXPECT_EQ(ctx_.TakeOutput(), "after");
}

TEST_F(PortsTest, BinaryFilePortsWriteAndReadBackEveryByte) {
  const std::string path = TempPath("binary");
  Value out = Call("open-binary-output-file", {Str(path)});
  EXPECT_EQ(Call("binary-port?", {out}), Value::True());
  EXPECT_EQ(Call("textual-port?", {out}), Value::False());
  for (int i = 0; i < 256; ++i) Call("write-u8", {Fx(i), out});
  Call("write-bytevector", {Call("bytevector", {Fx(1), Fx(2), Fx(3)}), out});
  Call("close-port", {out});
  std::string expected;
  for (int i = 0; i < 256; ++i) expected += static_cast<char>(i);
  expected += "\x01\x02\x03";
  EXPECT_EQ(Slurp(path), expected);
  Value in = Call("open-binary-input-file", {Str(path)});
  EXPECT_EQ(Call("read-u8", {in}), Fx(0));
  EXPECT_EQ(Call("peek-u8", {in}), Fx(1));
  Value rest = Call("read-bytevector", {Fx(1000), in});
  EXPECT_EQ(Call("bytevector-length", {rest}), Fx(258));
  EXPECT_EQ(Call("bytevector-u8-ref", {rest, Fx(254)}), Fx(255));
  EXPECT_EQ(Call("read-u8", {in}), Value::Eof());
  EXPECT_EQ(Call("read-bytevector", {Fx(1), in}), Value::Eof());
  // Textual ports are not binary ones, and the other way round (Guile's ports are both).
  EXPECT_EQ(Call("textual-port?", {Call("open-input-string", {Str("x")})}), Value::True());
  EXPECT_EQ(Call("binary-port?", {Call("open-output-string", {})}), Value::False());
  EXPECT_EQ(Call("textual-port?", {Call("open-output-bytevector", {})}), Value::False());
  EXPECT_EQ(CallError("write-u8", {Fx(256), Call("open-output-bytevector", {})}),
            "write-u8: expected a byte (an exact integer from 0 to 255), got 256");
  EXPECT_EQ(CallError("get-output-bytevector", {Call("open-output-string", {})}),
            "get-output-bytevector: expected a bytevector output port, got #<port>");
}

// An unreachable file port is closed by its finalizer, which flushes what was written. (If the
// finalizer kept the port's state, or there were none, the bytes would stay in the stream's
// buffer and the file would stay empty: checked by removing the state's release.)
TEST_F(PortsTest, AnUnreachableFilePortIsClosedByItsFinalizer) {
  const std::string path = TempPath("finalized");
  // In a frame of its own, so that the port is not left in this one.
  [&]() __attribute__((noinline)) {
    Value out = Call("open-output-file", {Str(path)});
    Call("display", {Str("flushed by the finalizer"), out});
  }
  ();
  EXPECT_EQ(Slurp(path), "") << "still buffered: the port is open";
  // A conservative scan may still see the port in a stale stack word: collect a few times.
  for (int i = 0; i < 5 && Slurp(path).empty(); ++i) {
    ClearStack();
    heap_->Collect();
  }
  EXPECT_EQ(Slurp(path), "flushed by the finalizer");
}

}  // namespace
}  // namespace toylang::testing
