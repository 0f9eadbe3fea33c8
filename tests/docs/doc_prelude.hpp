// What every statement and decl block of docs/*.md may use without an
// #include: the framework (core/), the seam, the Postgres fleet API's
// vocabulary and the command as a library. The generated unit then says
// `using namespace unwedge; using namespace unwedge::core;`.
#pragma once

#include <cstdint>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/unwedge_main.hpp"
#include "core/action.hpp"
#include "core/assert.hpp"
#include "core/control_plane_check.hpp"
#include "core/control_plane_model.hpp"
#include "core/decision_analysis.hpp"
#include "core/decision_table.hpp"
#include "core/duration_text.hpp"
#include "core/environment.hpp"
#include "core/in_memory_store.hpp"
#include "core/keyed_retry.hpp"
#include "core/machine.hpp"
#include "core/machine_instance.hpp"
#include "core/model_check.hpp"
#include "core/scheduler.hpp"
#include "seam/control_plane.hpp"
#include "seam/registry.hpp"
#include "seam/settings_reader.hpp"
#include "tests/docs/doc_blocks.hpp"
#include "worlds/postgres/fleet_api.hpp"
