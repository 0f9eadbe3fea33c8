// `unwedge check-model [--control-plane NAME] [--json] [--out DIR]`
//
// Prints every machine's model-check findings, every decision table's
// analysis, the cross-checks and each claim of the control plane, as text or
// (--json) as one JSON object; with --out also writes check-model.txt,
// check-model.json and one Graphviz file per machine, with the edges the
// cross-check found missing drawn in. Exit 0 when everything holds, 1 when
// anything is refuted, 2 on bad input, a model declared wrongly included.
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/control_plane_flag.hpp"
#include "cli/output_file.hpp"
#include "core/control_plane_check.hpp"
#include "reports/check_model_json.hpp"
#include "reports/control_plane_markdown.hpp"
#include "reports/shell_word.hpp"

namespace unwedge::cli {
namespace {

struct CheckModelOptions {
  bool json = false;
  std::string out_dir;
  std::string markdown_file;
  std::string graphs_dir = "control_plane";
};

// The keys of --json, for `check-model --help`; docs/FRAMEWORK.md says the same
// at more length.
constexpr const char* kJsonKeys = R"(--json prints one object (schema_version 1):
  schema_version, control_plane, verdict ("ok", "fail" or "model-error"), problem_count,
  errors[]: where, message, fix (the model is declared wrongly; exit 2)
  machines[]: name, initial, states[] (name, healthy, stable, terminal, leave_on_request,
    dwell_max_us),
    transitions[] (from, to, cause), ok, findings[] (kind, states[], message, path[]),
    witness (state -> shortest path from the initial state)
  tables[]: name, machine, ok, cells_checked, invalid_cells, conflict_count, gap_count,
    conflicts[] (state, signals[], rules[], message), gaps[] (state, signals[]), dead_rules[]
  cross_checks[]: kind, message, machine, action, table, from, to, cause, table_causes[],
    scheduled_by[] (table, rule, state, signals[], cells)
  claims[]: statement, kind ("path", "always", "never"), verdict ("holds", "refuted"),
    detail, counterexample (null, {path[], paths[][]} or {state, signals[], got});
    paths: every shortest path avoiding the waypoint, up to 3, the first being path
Exit status: 0 everything holds, 1 something is refuted, 2 bad input or a model error.)";

int write_outputs(const core::ControlPlaneModel& model, const core::ControlPlaneCheck& check,
                  const std::filesystem::path& dir) {
  core::Status status = write_file_atomically(dir / "check-model.txt", check.describe());
  if (status) {
    status = write_file_atomically(dir / "check-model.json", reports::check_model_json(check));
  }
  for (const core::MachineDef* machine : model.machines) {
    if (!status) break;
    status = write_file_atomically(dir / "machines" / fmt::format("{}.dot", machine->name()),
                                   core::to_dot(*machine, check.cross));
  }
  if (!status) {
    std::fprintf(stderr, "unwedge check-model: %s\n",
                 reports::terminal_text(status.error().message).c_str());
    return kExitBadInput;
  }
  return kExitPass;
}

// A model declared wrongly proves nothing either way: say what is wrong and
// what to change, on stderr so it reaches a person even under --json.
void report_model_errors(const core::ControlPlaneCheck& check, bool json) {
  if (!json) {
    std::fprintf(stderr,
                 "unwedge check-model: control plane '%s' has %zu model errors (listed above); "
                 "nothing was proved or refuted: fix them and run again\n",
                 check.name.c_str(), check.errors.size());
    return;
  }
  std::fprintf(stderr, "unwedge check-model: control plane '%s' has %zu model errors:\n",
               check.name.c_str(), check.errors.size());
  for (const core::ModelError& e : check.errors) {
    std::fprintf(stderr, "  %s: %s\n    fix: %s\n", e.where.c_str(), e.message.c_str(),
                 e.fix.c_str());
  }
}

int run_check_model(const CheckModelOptions& options) {
  const seam::PlaneInfo* plane = selected_plane();
  if (plane == nullptr) {
    std::fprintf(stderr,
                 "unwedge check-model: this program has no control plane registered; link one "
                 "(UNWEDGE_REGISTER_CONTROL_PLANE)\n");
    return kExitBadInput;
  }
  const core::ControlPlaneModel& model = plane->model();
  const core::ControlPlaneCheck check = core::check_control_plane(model);
  const std::string text = options.json ? reports::check_model_json(check) : check.describe();
  std::fputs(text.c_str(), stdout);
  if (!options.out_dir.empty()) {
    if (int code = write_outputs(model, check, options.out_dir); code != kExitPass) return code;
  }
  if (!options.markdown_file.empty()) {
    core::Status written = write_file_atomically(
        options.markdown_file, reports::control_plane_markdown(model, check, options.graphs_dir));
    if (!written) {
      std::fprintf(stderr, "unwedge check-model: %s\n",
                   reports::terminal_text(written.error().message).c_str());
      return kExitBadInput;
    }
  }
  if (check.has_errors()) {
    report_model_errors(check, options.json);
    return kExitBadInput;
  }
  return check.ok() ? kExitPass : kExitFinding;
}

}  // namespace

void add_check_model_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CheckModelOptions>();
  CLI::App* command = app.add_subcommand(
      "check-model",
      "Model-check the machines, analyse the decision tables, cross-check them with the actions "
      "and prove the claims of a control plane");
  command->add_flag("--json", options->json,
                    "Print the result as one JSON object instead of text (keys below)");
  command->add_option("--out", options->out_dir,
                      "Directory for check-model.txt, check-model.json and machines/<machine>.dot");
  command->add_option("--markdown", options->markdown_file,
                      "Also write the control plane's reference documentation to this file");
  command
      ->add_option("--graphs-dir", options->graphs_dir,
                   "Where the documentation links the machine graphs, relative to it")
      ->capture_default_str();
  command->footer(kJsonKeys);
  command->callback([options, &exit_code] { exit_code = run_check_model(*options); });
}

}  // namespace unwedge::cli
