// `unwedge check-model [--control-plane NAME] [--out DIR]`
//
// Prints every machine's model-check findings, every decision table's
// analysis, the cross-checks and each claim of the control plane; with --out
// also writes check-model.txt and one Graphviz file per machine. Exit 0 when
// everything holds, 1 when anything is refuted, 2 on bad input.
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/control_planes.hpp"
#include "cli/output_file.hpp"
#include "core/control_plane_check.hpp"
#include "reports/control_plane_markdown.hpp"

namespace unwedge::cli {
namespace {

struct CheckModelOptions {
  std::string control_plane = "postgres";
  std::string out_dir;
  std::string markdown_file;
  std::string graphs_dir = "control_plane";
};

std::string known_names() {
  std::string names;
  for (const RegisteredControlPlane& plane : control_planes()) {
    names += names.empty() ? plane.name : ", " + plane.name;
  }
  return names;
}

int write_outputs(const core::ControlPlaneModel& model, const std::string& text,
                  const std::filesystem::path& dir) {
  core::Status status = write_file_atomically(dir / "check-model.txt", text);
  for (const core::MachineDef* machine : model.machines) {
    if (!status) break;
    status = write_file_atomically(dir / "machines" / fmt::format("{}.dot", machine->name()),
                                   core::to_dot(*machine));
  }
  if (!status) {
    std::fprintf(stderr, "unwedge check-model: %s\n", status.error().message.c_str());
    return kExitBadInput;
  }
  return kExitPass;
}

int run_check_model(const CheckModelOptions& options) {
  const RegisteredControlPlane* plane = find_control_plane(options.control_plane);
  if (plane == nullptr) {
    std::fprintf(stderr,
                 "unwedge check-model: no control plane named '%s'; known: %s. Pass one with "
                 "--control-plane.\n",
                 options.control_plane.c_str(), known_names().c_str());
    return kExitBadInput;
  }
  const core::ControlPlaneModel& model = plane->model();
  core::ControlPlaneCheck check = core::check_control_plane(model);
  std::string text = check.describe();
  std::fputs(text.c_str(), stdout);
  if (!options.out_dir.empty()) {
    if (int code = write_outputs(model, text, options.out_dir); code != kExitPass) return code;
  }
  if (!options.markdown_file.empty()) {
    core::Status written = write_file_atomically(
        options.markdown_file, reports::control_plane_markdown(model, check, options.graphs_dir));
    if (!written) {
      std::fprintf(stderr, "unwedge check-model: %s\n", written.error().message.c_str());
      return kExitBadInput;
    }
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
  command->add_option("--control-plane", options->control_plane, "Which control plane to check")
      ->capture_default_str();
  command->add_option("--out", options->out_dir,
                      "Directory for check-model.txt and machines/<machine>.dot");
  command->add_option("--markdown", options->markdown_file,
                      "Also write the control plane's reference documentation to this file");
  command
      ->add_option("--graphs-dir", options->graphs_dir,
                   "Where the documentation links the machine graphs, relative to it")
      ->capture_default_str();
  command->callback([options, &exit_code] { exit_code = run_check_model(*options); });
}

}  // namespace unwedge::cli
