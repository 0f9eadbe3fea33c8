// A team's own `unwedge` whose plane is declared wrongly: its claim names a
// state its machine does not have. check-model must say so as a model error
// (exit 2), not as a refuted claim, whichever output is asked for.
#include "cli/unwedge_main.hpp"
#include "core/machine.hpp"
#include "seam/registry.hpp"

namespace {

using namespace unwedge;

const core::ControlPlaneModel& miswritten_model() {
  static const core::MachineDef machine = *core::MachineDef::Builder("job")
                                               .state("queued")
                                               .state("running")
                                               .state("done", {.healthy = true, .stable = true})
                                               .transition("queued", "running", "started")
                                               .transition("running", "done", "finished")
                                               .initial("queued")
                                               .terminal("done")
                                               .build();
  static const core::ControlPlaneModel model{
      .name = "miswritten",
      .machines = {&machine},
      .path_claims = {{.statement = "every job is run before it is done",
                       .machine = "job",
                       .source = "queued",
                       .target = "done",
                       .waypoint = "runing"}}};
  return model;
}

}  // namespace

UNWEDGE_REGISTER_CONTROL_PLANE((seam::PlaneInfo{
    .name = "miswritten",
    .summary = "a plane whose claim names a state its machine lacks",
    .model = &miswritten_model,
    .settings = [] { return std::vector<seam::SettingInfo>{}; },
    .create = [](const seam::SettingsText&) -> core::Result<std::unique_ptr<seam::ControlPlane>> {
      return core::Error{"the miswritten plane is for check-model only"};
    }}));

int main(int argc, char** argv) {
  return unwedge::cli::run_unwedge(argc, argv);
}
