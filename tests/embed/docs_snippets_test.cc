// Keeps the embedding documentation honest: every sample program under examples/embed/snippets
// (compiled and run by their own tests) appears verbatim in docs/embedding.md, and every option
// the runtime's parser knows has a row in docs/options.md.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "mosaic/options.h"

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::filesystem::path kSource = MOSAIC_SOURCE_DIR;

TEST(DocsSnippetsTest, EverySnippetIsQuotedVerbatimInEmbeddingMd) {
  std::string doc = ReadFile(kSource / "docs/embedding.md");
  ASSERT_FALSE(doc.empty()) << "docs/embedding.md is missing";
  int snippets = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(kSource / "examples/embed/snippets")) {
    std::string ext = entry.path().extension().string();
    if (ext != ".c" && ext != ".cc") continue;
    ++snippets;
    std::string code = ReadFile(entry.path());
    std::string fence = (ext == ".c" ? "```c\n" : "```cpp\n") + code + "```";
    EXPECT_NE(doc.find(fence), std::string::npos)
        << entry.path().filename() << " is not quoted verbatim (in a " << ext
        << " code fence) in docs/embedding.md";
  }
  EXPECT_GE(snippets, 5);
}

TEST(DocsSnippetsTest, EveryOptionIsDocumented) {
  // The parser names every key it knows when it meets an unknown one.
  auto parsed = mosaic::HeapOptions::Parse("no-such-option=1");
  ASSERT_FALSE(parsed.ok());
  std::string message(parsed.status().message());
  size_t open = message.find("(known: ");
  ASSERT_NE(open, std::string::npos) << message;
  std::string list = message.substr(open + 8, message.rfind(')') - open - 8);
  std::string doc = ReadFile(kSource / "docs/options.md");
  ASSERT_FALSE(doc.empty()) << "docs/options.md is missing";
  int keys = 0;
  for (absl::string_view key : absl::StrSplit(list, ", ")) {
    ++keys;
    EXPECT_NE(doc.find("| `" + std::string(key) + "`"), std::string::npos)
        << "option " << key << " has no row in docs/options.md";
  }
  EXPECT_GE(keys, 10);
  EXPECT_NE(doc.find("MOSAIC_GC_OPTIONS"), std::string::npos);
}

}  // namespace
