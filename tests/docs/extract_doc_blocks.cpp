// extract_doc_blocks: turns the C++ code blocks of one Markdown document into
// translation units that the doc_blocks_test program compiles and runs.
//
// Every fenced block whose language is cpp (also c++, cxx) is extracted. The
// rest of its info string chooses what the block is; GitHub shows only the
// language, so a reader of the rendered page never sees these words:
//
//   ```cpp                  statements: the body of a function the test runs,
//                           in document order. A failed UNWEDGE_ASSERT or an
//                           exception fails the test at the block's line.
//   ```cpp decl             namespace-scope declarations (types, functions,
//                           a plane's registration), compiled and visible to
//                           every later block of the same document.
//   ```cpp program ARGS...  a whole translation unit with its own includes and
//                           `int main(int argc, char** argv)`; the test runs
//                           that main with ARGS (from the repository root) and
//                           expects 0. The program blocks of one document share
//                           one translation unit.
//
// Statement and decl blocks of docs/NAME.md live in namespace
// unwedge_docs::NAME, after tests/docs/doc_prelude.hpp (the framework's
// headers, `using namespace unwedge::core`) and, when it exists,
// tests/docs/context/NAME.hpp: the small realistic context a document's blocks
// assume without showing it.
//
// Each block is preceded by a #line directive, so a compiler error names the
// Markdown file and line (docs/FRAMEWORK.md:18:5: error: ...), as does a
// failure at run time.
//
//   extract_doc_blocks --root SRC --doc docs/FRAMEWORK.md --out DIR [--context HEADER]
//
// writes DIR/NAME_blocks.cpp and DIR/NAME_programs.cpp (rewritten only when
// their text changes). A malformed document (an unterminated block, an
// unknown block kind) is reported as FILE:LINE: error: ... with status 2.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

enum class Kind { kStatements, kDecl, kProgram };

struct Block {
  Kind kind = Kind::kStatements;
  std::size_t fence_line = 0;  // 1-based line of the opening fence
  std::vector<std::string> args;
  std::vector<std::string> lines;
};

struct Fence {
  std::size_t indent = 0;
  char mark = '`';
  std::size_t length = 0;
  std::string info;
};

struct Problem {
  std::size_t line = 0;
  std::string message;
};

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;)
    out.push_back(word);
  return out;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A CommonMark fence: up to three spaces, then three or more ` or ~.
std::optional<Fence> fence_of(const std::string& line) {
  const std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string::npos || indent > 3) return std::nullopt;
  const char mark = line[indent];
  if (mark != '`' && mark != '~') return std::nullopt;
  const std::size_t end = line.find_first_not_of(mark, indent);
  const std::size_t length = (end == std::string::npos ? line.size() : end) - indent;
  if (length < 3) return std::nullopt;
  return Fence{indent, mark, length, end == std::string::npos ? "" : line.substr(end)};
}

bool closes(const Fence& open, const std::string& line) {
  std::optional<Fence> fence = fence_of(line);
  return fence && fence->mark == open.mark && fence->length >= open.length &&
         words(fence->info).empty();
}

bool is_cpp(const std::string& language) {
  const std::string l = lower(language);
  return l == "cpp" || l == "c++" || l == "cxx";
}

// The block's lines with the fence's indentation removed.
std::string unindent(const std::string& line, std::size_t indent) {
  std::size_t drop = 0;
  while (drop < indent && drop < line.size() && line[drop] == ' ')
    ++drop;
  return line.substr(drop);
}

std::vector<Block> parse(const std::vector<std::string>& text, std::vector<Problem>& problems) {
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::optional<Fence> open = fence_of(text[i]);
    if (!open) continue;
    const std::size_t fence_line = i + 1;
    std::vector<std::string> info = words(open->info);
    std::vector<std::string> body;
    bool closed = false;
    for (++i; i < text.size(); ++i) {
      if (closes(*open, text[i])) {
        closed = true;
        break;
      }
      body.push_back(unindent(text[i], open->indent));
    }
    if (!closed) {
      problems.push_back({fence_line, "code block is never closed"});
      break;
    }
    if (info.empty() || !is_cpp(info[0])) continue;
    Block block{.fence_line = fence_line, .lines = std::move(body)};
    const std::string kind = info.size() > 1 ? info[1] : "";
    if (kind == "decl") {
      block.kind = Kind::kDecl;
    } else if (kind == "program") {
      block.kind = Kind::kProgram;
      block.args.assign(info.begin() + 2, info.end());
    } else if (!kind.empty()) {
      problems.push_back({fence_line, "unknown C++ block kind '" + kind +
                                          "'; write ```cpp (statements), ```cpp decl or "
                                          "```cpp program ARGS..."});
      continue;
    }
    if (block.kind != Kind::kProgram && info.size() > 2) {
      problems.push_back({fence_line, "only a program block takes arguments"});
      continue;
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// Output text that knows its own line numbers, for #line directives that
// point back into the generated file after each block.
class Output {
 public:
  explicit Output(std::string path) : path_(std::move(path)) {}
  void line(const std::string& text) {
    text_ += text;
    text_ += '\n';
    ++lines_;
  }
  void back_to_generated() { line("#line " + std::to_string(lines_ + 2) + " \"" + path_ + "\""); }
  const std::string& text() const { return text_; }

 private:
  std::string path_;
  std::string text_;
  std::size_t lines_ = 0;
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string identifier(const std::string& text) {
  std::string out;
  for (char c : text)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  // As CMake's string(MAKE_C_IDENTIFIER), which names the generated files.
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

void emit_block_lines(Output& out, const std::string& doc, const Block& block) {
  out.line("#line " + std::to_string(block.fence_line + 1) + " " + quoted(doc));
  for (const std::string& text : block.lines)
    out.line(text);
  out.back_to_generated();
}

std::string blocks_unit(const std::string& doc, const std::string& name,
                        const std::optional<std::string>& context, const std::vector<Block>& blocks,
                        const std::string& path) {
  Output out(path);
  out.line("// Generated by extract_doc_blocks from " + doc + "; edit the document instead.");
  const bool any = std::any_of(blocks.begin(), blocks.end(),
                               [](const Block& b) { return b.kind != Kind::kProgram; });
  if (!any) return out.text();
  out.line("#include \"tests/docs/doc_prelude.hpp\"");
  if (context) out.line("#include " + quoted(*context));
  out.line("namespace unwedge_docs::" + name + " {");
  out.line("using namespace ::unwedge;");
  out.line("using namespace ::unwedge::core;");
  for (const Block& block : blocks) {
    const std::string at = std::to_string(block.fence_line);
    if (block.kind == Kind::kDecl) {
      emit_block_lines(out, doc, block);
      out.line("[[maybe_unused]] const bool block_" + at +
               "_registered = ::unwedge_docs::add_block(" + quoted(doc) + ", " + at +
               ", ::unwedge_docs::BlockKind::kDecl, nullptr, {});");
    } else if (block.kind == Kind::kStatements) {
      out.line("void block_" + at + "() {");
      emit_block_lines(out, doc, block);
      out.line("}");
      out.line("[[maybe_unused]] const bool block_" + at +
               "_registered = ::unwedge_docs::add_block(" + quoted(doc) + ", " + at +
               ", ::unwedge_docs::BlockKind::kStatements, &block_" + at + ", {});");
    }
  }
  out.line("}  // namespace unwedge_docs::" + name);
  return out.text();
}

std::string programs_unit(const std::string& doc, const std::string& name,
                          const std::vector<Block>& blocks, const std::string& path) {
  Output out(path);
  out.line("// Generated by extract_doc_blocks from " + doc + "; edit the document instead.");
  const bool any = std::any_of(blocks.begin(), blocks.end(),
                               [](const Block& b) { return b.kind == Kind::kProgram; });
  if (!any) return out.text();
  out.line("#include \"tests/docs/doc_blocks.hpp\"");
  for (const Block& block : blocks) {
    if (block.kind != Kind::kProgram) continue;
    const std::string at = std::to_string(block.fence_line);
    const std::string entry = "unwedge_docs_" + name + "_program_" + at;
    out.line("int " + entry + "(int argc, char** argv);");
    out.line("#define main " + entry);
    emit_block_lines(out, doc, block);
    out.line("#undef main");
    std::string args = "{";
    for (const std::string& arg : block.args)
      args += quoted(arg) + ", ";
    args += "}";
    out.line("[[maybe_unused]] static const bool " + entry +
             "_registered = " + "::unwedge_docs::add_block(" + quoted(doc) + ", " + at +
             ", ::unwedge_docs::BlockKind::kProgram, nullptr, " + args + ", &" + entry + ");");
  }
  return out.text();
}

// Rewrites `path` only when its text changes, so an edit of one document
// recompiles one unit.
bool write_if_changed(const std::filesystem::path& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::stringstream old;
    old << in.rdbuf();
    if (old.str() == text) return true;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

struct Options {
  std::filesystem::path root;
  std::string doc;
  std::filesystem::path out;
  std::optional<std::string> context;
};

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--root") {
      options.root = value;
    } else if (flag == "--doc") {
      options.doc = value;
    } else if (flag == "--out") {
      options.out = value;
    } else if (flag == "--context") {
      options.context = value;
    } else {
      return std::nullopt;
    }
  }
  if (argc % 2 == 0 || options.root.empty() || options.doc.empty() || options.out.empty()) {
    return std::nullopt;
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> options = parse_options(argc, argv);
  if (!options) {
    std::cerr << "usage: extract_doc_blocks --root SRC --doc docs/NAME.md --out DIR "
                 "[--context HEADER]\n";
    return 2;
  }
  std::ifstream in(options->root / options->doc);
  if (!in) {
    std::cerr << options->doc << ": error: cannot read it under " << options->root << "\n";
    return 2;
  }
  std::vector<std::string> text;
  for (std::string line; std::getline(in, line);)
    text.push_back(line);
  std::vector<Problem> problems;
  const std::vector<Block> blocks = parse(text, problems);
  for (const Problem& problem : problems) {
    std::cerr << options->doc << ":" << problem.line << ": error: " << problem.message << "\n";
  }
  if (!problems.empty()) return 2;

  const std::string name = identifier(std::filesystem::path(options->doc).stem().string());
  const std::filesystem::path blocks_path = options->out / (name + "_blocks.cpp");
  const std::filesystem::path programs_path = options->out / (name + "_programs.cpp");
  std::filesystem::create_directories(options->out);
  const bool written =
      write_if_changed(blocks_path, blocks_unit(options->doc, name, options->context, blocks,
                                                blocks_path.string())) &&
      write_if_changed(programs_path,
                       programs_unit(options->doc, name, blocks, programs_path.string()));
  if (!written) {
    std::cerr << options->out << ": error: cannot write the generated units\n";
    return 2;
  }
  return 0;
}
