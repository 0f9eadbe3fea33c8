#include "reports/state_graph_svg.hpp"

#include <bit>
#include <fmt/format.h>
#include <gvc.h>
#include <map>
#include <memory>
#include <set>

#include "core/assert.hpp"
#include "reports/markup_escape.hpp"
#include "reports/state_palette.hpp"

// The context below lives until the process ends, and with it what
// fontconfig and Graphviz cache for it; LeakSanitizer, which runs at exit,
// would call those caches leaks. Sanitized builds are told to let them be.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNWEDGE_LEAK_CHECKED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNWEDGE_LEAK_CHECKED 1
#endif
#ifdef UNWEDGE_LEAK_CHECKED
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\nleak:libgvc.so\nleak:libpango\nleak:libcairo.so\n";
}
// And not to print the suppressions it used, which are expected.
extern "C" const char* __lsan_default_options() {
  return "print_suppressions=0";
}
#endif

namespace unwedge::reports {
namespace {

// Graphviz's C interface takes char* it does not keep or modify; these
// copies give it writable buffers without casting const away.
void set(void* object, std::string name, std::string value) {
  std::string none;
  agsafeset(object, name.data(), value.data(), none.data());
}

// Text for a Graphviz label or tooltip: one line of valid UTF-8, with the
// backslash escapes Graphviz interprets there (\N, \G, \l) made literal.
// Graphviz also decodes HTML entities in labels and passes entity-like text
// through to SVG unescaped, so a word joiner after '&' keeps "&lt;" showing
// as typed.
std::string label_text(std::string_view text) {
  std::string out;
  for (char c : valid_xml_chars(text)) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '&') {
      out += "&\u2060";
    } else {
      out += c;
    }
  }
  return out;
}

// A node name is printed in the SVG's <title> as is, without label escapes.
std::string name_text(std::string_view text) {
  std::string out;
  for (char c : valid_xml_chars(text)) {
    out += c;
    if (c == '&') out += "\u2060";
  }
  return out;
}

// Element ids must not clash between the graphs of one page.
std::string id_slug(std::string_view name) {
  std::string slug = "machine-";
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    slug += plain ? c : '_';
  }
  return slug;
}

// Wider the more often taken, but a 10,000-times edge must not swallow
// the graph: one step per doubling, at most 6 points.
std::string pen_width(std::uint64_t taken) {
  const int doublings = std::bit_width(taken);
  const int tenths = std::min(10 + 3 * doublings, 60);
  return fmt::format("{}.{}", tenths / 10, tenths % 10);
}

// One Graphviz context for the whole process, never freed. Graphviz 2.42's
// text-layout plugin keeps a pointer into the font table of the context
// that first measured a label; freeing that context and making another
// leaves the pointer dangling (a use after free that AddressSanitizer
// reports on the second graph). One context also loads the plugins once.
GVC_t* graphviz() {
  static GVC_t* const context = gvContext();
  UNWEDGE_ASSERT(context != nullptr);
  return context;
}

struct GraphCloser {
  void operator()(Agraph_t* graph) const { agclose(graph); }
};
using GraphPtr = std::unique_ptr<Agraph_t, GraphCloser>;

// Defaults for every node and edge of the graph (agattr), so each element
// carries only what differs.
void set_default(Agraph_t* graph, int kind, std::string name, std::string value) {
  agattr(graph, kind, name.data(), value.data());
}

void declare_defaults(Agraph_t* graph, std::string_view machine_name) {
  set(graph, "id", id_slug(machine_name));
  set(graph, "rankdir", "LR");
  set(graph, "bgcolor", "transparent");
  set(graph, "nodesep", "0.3");
  set(graph, "fontname", "Helvetica");
  set_default(graph, AGNODE, "shape", "box");
  set_default(graph, AGNODE, "fontname", "Helvetica");
  set_default(graph, AGNODE, "fontsize", "11");
  set_default(graph, AGEDGE, "fontname", "Helvetica");
  set_default(graph, AGEDGE, "fontsize", "9");
}

Agnode_t* add_state(Agraph_t* graph, const StateCoverage& state, bool initial) {
  std::string name = name_text(state.name);
  Agnode_t* node = agnode(graph, name.data(), 1);
  set(node, "label", fmt::format("{}\\nentered {}", label_text(state.name), state.entered));
  set(node, "style", state.stable ? "rounded,filled" : "rounded,filled,dashed");
  set(node, "fillcolor", std::string(state_fill(state.healthy, state.stable)));
  set(node, "penwidth", initial ? "2" : "1");
  set(node, "tooltip",
      fmt::format("{} ({}), entered {} times", label_text(state.name),
                  state_kind(state.healthy, state.stable), state.entered));
  return node;
}

// Refused transitions may name states the machine does not declare (that is
// part of the finding), so such a state is drawn on first mention.
Agnode_t* node_of(Agraph_t* graph, std::map<std::string, Agnode_t*>& nodes,
                  const std::string& name) {
  auto it = nodes.find(name);
  if (it != nodes.end()) return it->second;
  std::string text = name_text(name);
  Agnode_t* node = agnode(graph, text.data(), 1);
  set(node, "label", label_text(name));
  set(node, "style", "dotted");
  set(node, "tooltip", fmt::format("{} (not a state of this machine)", label_text(name)));
  nodes.emplace(name, node);
  return node;
}

void add_transition(Agraph_t* graph, std::map<std::string, Agnode_t*>& nodes,
                    const TransitionCoverage& t) {
  Agedge_t* edge =
      agedge(graph, node_of(graph, nodes, t.from), node_of(graph, nodes, t.to), nullptr, 1);
  if (!t.legal) {
    set(edge, "color", std::string(kViolationColour));
    set(edge, "fontcolor", std::string(kViolationColour));
    set(edge, "penwidth", pen_width(t.taken));
    set(edge, "label", fmt::format("refused ×{}", t.taken));
  } else if (t.taken == 0) {
    set(edge, "color", std::string(kNeverTakenColour));
    set(edge, "fontcolor", "#616161");
    set(edge, "style", "dashed");
    set(edge, "label", label_text(t.cause));
  } else {
    set(edge, "color", std::string(kTakenColour));
    set(edge, "penwidth", pen_width(t.taken));
    set(edge, "label", fmt::format("{} ×{}", label_text(t.cause), t.taken));
  }
  const std::string_view fate = !t.legal ? "refused" : t.taken == 0 ? "never taken" : "taken";
  set(edge, "tooltip",
      fmt::format("{} -> {} ({}): {}, {} times", label_text(t.from), label_text(t.to),
                  label_text(t.cause), fate, t.taken));
}

std::string unused_node_name(const MachineCoverage& machine) {
  std::set<std::string> used;
  for (const StateCoverage& state : machine.states)
    used.insert(name_text(state.name));
  for (const TransitionCoverage& t : machine.transitions) {
    used.insert(name_text(t.from));
    used.insert(name_text(t.to));
  }
  std::string name = "start";
  while (used.contains(name))
    name += "_";
  return name;
}

std::string unavailable_svg(std::string_view why) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"24\"><text x=\"4\" "
      "y=\"16\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\">No graph: {}</text>"
      "</svg>\n",
      why);
}

GraphPtr build_graph(const MachineCoverage& machine) {
  std::string name = name_text(machine.name);
  GraphPtr graph(agopen(name.data(), Agdirected, nullptr));
  UNWEDGE_ASSERT(graph != nullptr);
  declare_defaults(graph.get(), machine.name);
  std::map<std::string, Agnode_t*> nodes;
  for (const StateCoverage& state : machine.states) {
    if (nodes.contains(state.name)) continue;
    nodes.emplace(state.name, add_state(graph.get(), state, state.name == machine.initial));
  }
  // The initial state is marked the usual way: an arrow from a dot. The dot
  // needs a name (an anonymous node is named by a counter shared by every
  // graph of the process, which would change the output) unlike any state's.
  if (!machine.initial.empty()) {
    std::string start_name = unused_node_name(machine);
    Agnode_t* start = agnode(graph.get(), start_name.data(), 1);
    set(start, "shape", "point");
    set(start, "label", "");
    set(start, "width", "0.1");
    set(start, "tooltip", "initial state");
    agedge(graph.get(), start, node_of(graph.get(), nodes, machine.initial), nullptr, 1);
  }
  for (const TransitionCoverage& t : machine.transitions)
    add_transition(graph.get(), nodes, t);
  return graph;
}

}  // namespace

std::string state_graph_svg(const MachineCoverage& machine) {
  GVC_t* const gvc = graphviz();
  GraphPtr graph = build_graph(machine);
  // Graphviz finds its layout and SVG plugins through its installed
  // configuration; without them the report is still written, saying why.
  if (gvLayout(gvc, graph.get(), "dot") != 0) {
    return unavailable_svg("Graphviz could not lay it out (is its dot plugin installed?)");
  }
  char* data = nullptr;
  unsigned int length = 0;
  const int rendered = gvRenderData(gvc, graph.get(), "svg", &data, &length);
  std::string svg = rendered == 0 && data != nullptr ? std::string(data, length) : "";
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(gvc, graph.get());
  // The prolog, DOCTYPE and the comment naming the Graphviz version come
  // before <svg>; inline SVG in HTML must start at the element.
  const std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return unavailable_svg("Graphviz could not render it as SVG");
  return svg.substr(start);
}

}  // namespace unwedge::reports
