// The control planes this program knows, by name.
//
// A plane registers itself from its own library, so a team links its planes
// into its own `unwedge` binary without editing unwedge:
//
//   UNWEDGE_REGISTER_CONTROL_PLANE(my_plane::plane_info());
//
// where plane_info() returns a PlaneInfo. The registration must be linked into
// the program (a source of the executable, or an OBJECT library it links),
// since a linker drops an unreferenced object of a static library.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/control_plane_model.hpp"
#include "core/entity_codec_fwd.hpp"
#include "core/result.hpp"
#include "seam/control_plane.hpp"
#include "seam/crash_story.hpp"

namespace unwedge::seam {

// A request of the plane's own, beyond the simulator's vocabulary
// (request_failover, add_follower, ...): its name, what it is aimed at, and
// what it means. Scenario files, the swarm and the fleet fuzzer raise it
// through ControlPlane::request like any other, or, `to_agent`, through the
// target node's Agent::request.
struct RequestInfo {
  enum class Aim : std::uint8_t {
    kService,  // "restart db1": a service id
    kServer,   // "switchover db1-2": a server, by name or role ("standby:db1")
  };
  std::string name;
  Aim aim = Aim::kService;
  std::string summary;
  // A request on a server that its agent takes (Agent::request), not the
  // plane's process: an operator's tool calling the node's agent. A node
  // whose agent is not running does not answer; nothing is raised.
  bool to_agent = false;
};

struct PlaneInfo {
  std::string name;     // what --control-plane and `control_plane: name` take
  std::string summary;  // one sentence, for listings
  // The plane's model, built once; the same object every call.
  const core::ControlPlaneModel& (*model)() = nullptr;
  // The settings it takes, with their defaults.
  std::vector<SettingInfo> (*settings)() = nullptr;
  // A plane for one run, from its settings. A bad setting is an error whose
  // message starts with the setting's name ("missed_after: ...").
  core::Result<std::unique_ptr<ControlPlane>> (*create)(const SettingsText& settings) = nullptr;
  // The request vocabulary: what operators and customers may ask of it. The
  // simulator's own kinds it takes ("request_failover", "add_follower",
  // ...), by name, and requests of its own.
  std::vector<std::string> requests;
  // The roles role_of() gives nodes ("standby", "follower"), in the order
  // targets are drawn from them. Scenario files, the fuzzer and the
  // simulator take "ROLE:service" for these, besides "leader:service" (the
  // node its endpoint points at), "clients:service" and "node:NAME".
  std::vector<std::string> roles;
  std::vector<RequestInfo> own_requests;
  // Its crash stories (seam/crash_story.hpp); null: none, and
  // `explore-crashes` has nothing to explore.
  std::vector<CrashStory> (*crash_stories)() = nullptr;
  // A program beside `unwedge` that runs one planted bug of this plane and
  // says whether the harness caught it (cli/canary.hpp); empty: no canary.
  std::string canary_program;
  // Other names --control-plane and `control_plane:` take for it ("reference"
  // for the bundled reference plane); reports and files name it by `name`.
  std::vector<std::string> aliases;
  // Every kind of entity its Store holds besides the framework's own, with
  // how each is written to a database (core/entity_codec.hpp): what lets it
  // keep its state in one (stores/: `serve --store`, `explore-crashes
  // --store`). Null: it runs on the in-memory store alone.
  void (*entities)(core::EntityCodecs& codecs) = nullptr;
};

// The codecs of every kind `plane`'s Store holds, the framework's included;
// an error naming the plane when it declares none.
core::Result<core::EntityCodecs> entity_codecs(const PlaneInfo& plane);

// Registers `info`; a second plane of the same name is refused (false).
bool register_plane(PlaneInfo info);
// Every registered plane, by name.
std::vector<const PlaneInfo*> planes();
// The plane named `name`, or one of its aliases; null when none is.
const PlaneInfo* find_plane(std::string_view name);
// The plane a scenario runs when it names none: the one registered as the
// default, else the only one, else none.
const PlaneInfo* default_plane();
bool set_default_plane(std::string_view name);
// "minimal, my_plane" for messages.
std::string plane_names();

}  // namespace unwedge::seam

#define UNWEDGE_SEAM_CONCAT2(a, b) a##b
#define UNWEDGE_SEAM_CONCAT(a, b) UNWEDGE_SEAM_CONCAT2(a, b)
// Registers a control plane at static initialisation.
#define UNWEDGE_REGISTER_CONTROL_PLANE(info)                                                    \
  [[maybe_unused]] static const bool UNWEDGE_SEAM_CONCAT(unwedge_plane_registered_, __LINE__) = \
      ::unwedge::seam::register_plane(info)
