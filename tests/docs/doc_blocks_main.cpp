// doc_blocks_test: runs every C++ block of docs/*.md that can run, in
// document order, after the build has compiled all of them
// (tests/docs/extract_doc_blocks.cpp). Statement blocks are called; a failed
// UNWEDGE_ASSERT or an exception fails the block. Program blocks have their
// main called with their arguments and must return 0.
//
//   doc_blocks_test                      every document
//   doc_blocks_test docs/FRAMEWORK.md    the blocks of the documents named
//
// Each failure is printed as FILE:LINE: error: ..., and the status is 1.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "core/assert.hpp"
#include "tests/docs/doc_blocks.hpp"

namespace unwedge_docs {
namespace {

std::vector<DocBlock>& registry() {
  static std::vector<DocBlock> blocks;
  return blocks;
}

const char* kind_name(BlockKind kind) {
  switch (kind) {
    case BlockKind::kStatements:
      return "statements";
    case BlockKind::kDecl:
      return "decl";
    case BlockKind::kProgram:
      return "program";
  }
  return "?";
}

int run_program(const DocBlock& block) {
  std::vector<std::string> words = {"unwedge"};
  words.insert(words.end(), block.args.begin(), block.args.end());
  std::vector<char*> argv;
  for (std::string& word : words)
    argv.push_back(word.data());
  argv.push_back(nullptr);
  return block.program(static_cast<int>(words.size()), argv.data());
}

// The failure of one block, or "" when it did what it says.
std::string run(const DocBlock& block) {
  try {
    unwedge::core::ThrowingAssertions assertions;
    if (block.kind == BlockKind::kStatements) block.statements();
    if (block.kind == BlockKind::kProgram) {
      const int status = run_program(block);
      if (status != 0) return "the program exited with status " + std::to_string(status);
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

bool add_block(std::string doc, std::size_t line, BlockKind kind, void (*statements)(),
               std::vector<std::string> args, int (*program)(int, char**)) {
  registry().push_back({.doc = std::move(doc),
                        .line = line,
                        .kind = kind,
                        .statements = statements,
                        .args = std::move(args),
                        .program = program});
  return true;
}

std::vector<DocBlock> doc_blocks() {
  std::vector<DocBlock> blocks = registry();
  std::sort(blocks.begin(), blocks.end(), [](const DocBlock& a, const DocBlock& b) {
    return std::tie(a.doc, a.line) < std::tie(b.doc, b.line);
  });
  return blocks;
}

}  // namespace unwedge_docs

int main(int argc, char** argv) {
  const std::vector<std::string> only(argv + 1, argv + argc);
  std::size_t checked = 0;
  std::size_t failed = 0;
  for (const unwedge_docs::DocBlock& block : unwedge_docs::doc_blocks()) {
    if (!only.empty() && std::find(only.begin(), only.end(), block.doc) == only.end()) continue;
    ++checked;
    const std::string where = block.doc + ":" + std::to_string(block.line);
    const std::string failure = unwedge_docs::run(block);
    if (failure.empty()) {
      std::cout << where << ": ok (" << unwedge_docs::kind_name(block.kind) << ")\n";
    } else {
      ++failed;
      std::cout << where << ": error: " << unwedge_docs::kind_name(block.kind)
                << " block failed: " << failure << "\n";
    }
  }
  std::cout << checked << " blocks compiled, " << checked - failed << " did what they say, "
            << failed << " failed\n";
  if (checked == 0) {
    std::cout << "error: no C++ block found" << (only.empty() ? "" : " in the documents named")
              << "\n";
    return 1;
  }
  return failed == 0 ? 0 : 1;
}
