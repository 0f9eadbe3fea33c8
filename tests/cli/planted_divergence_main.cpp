// A team's own `unwedge` whose plane has a crash story with a planted bug:
// the reference plane, registered again as "diverging", with one story
// (Provision) whose trigger orders an extra service on every run after the
// first. Every re-run of the story therefore ends unlike the uninterrupted
// one, so crash exploration must report divergences, and a nightly of this
// plane must say FAIL in every report and exit 1.
#include "cli/unwedge_main.hpp"
#include "planes/postgres/plane.hpp"
#include "seam/registry.hpp"

namespace {

using namespace unwedge;

std::vector<seam::CrashStory> diverging_stories() {
  std::vector<seam::CrashStory> stories = postgres::crash_stories();
  seam::CrashStory story = stories.front();
  story.trigger = [inner = story.trigger](seam::StoryFleet& fleet) {
    static int runs = 0;
    inner(fleet);
    if (++runs > 1) fleet.order_service({.id = "planted"});
  };
  return {story};
}

seam::PlaneInfo diverging_plane() {
  seam::PlaneInfo info = postgres::plane_info();
  info.name = "diverging";
  info.summary = "the reference plane with a crash story that is not a pure function of itself";
  info.crash_stories = &diverging_stories;
  info.canary_program.clear();
  info.aliases.clear();
  return info;
}

}  // namespace

UNWEDGE_REGISTER_CONTROL_PLANE(diverging_plane());

int main(int argc, char** argv) {
  return unwedge::cli::run_unwedge(argc, argv);
}
