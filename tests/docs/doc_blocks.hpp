// The C++ blocks of docs/*.md, as the generated units register them for
// doc_blocks_test (tests/docs/extract_doc_blocks.cpp says how a block becomes
// code). Each block is known by its document and the line of its fence.
//
//   [[maybe_unused]] const bool block_16_registered = unwedge_docs::add_block(
//       "docs/FRAMEWORK.md", 16, unwedge_docs::BlockKind::kStatements, &block_16, {});
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace unwedge_docs {

enum class BlockKind { kStatements, kDecl, kProgram };

struct DocBlock {
  std::string doc;
  std::size_t line = 0;
  BlockKind kind = BlockKind::kStatements;
  void (*statements)() = nullptr;         // kStatements
  std::vector<std::string> args;          // kProgram
  int (*program)(int, char**) = nullptr;  // kProgram
};

// Registers a block at static initialisation; always true.
bool add_block(std::string doc, std::size_t line, BlockKind kind, void (*statements)(),
               std::vector<std::string> args, int (*program)(int, char**) = nullptr);
// Every registered block, by document and line.
std::vector<DocBlock> doc_blocks();

}  // namespace unwedge_docs
