// What the keeper's steps share: asking the consensus store under the
// step's key, reading the node's own database, moving the keeper.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/action.hpp"
#include "core/coordination.hpp"
#include "planes/lease/entities.hpp"

namespace unwedge::lease {

// Asks `request` under the step's key (plus `label`); an absent store
// answers as one that cannot be reached.
core::KvAnswer ask(core::StepContext& ctx, core::Coordination* coordination, std::string_view label,
                   const core::KvRequest& request);

// The node's own database reading; none while it is down.
std::optional<core::Checkin> local_reading(core::StepContext& ctx);

// The keeper of the step's node, if its record exists.
std::optional<Keeper> load_keeper(core::StepContext& ctx);
std::string_view keeper_state(const Keeper& keeper);
bool keeper_in(const Keeper& keeper, std::initializer_list<std::string_view> states);
// Moves the keeper (asserting the machine takes the move); the caller puts it.
void move_keeper(core::StepContext& ctx, Keeper& keeper, std::string_view to,
                 std::string_view cause);

// A time the step recorded on its first run (its first send), or now,
// recorded for the next run.
core::TimeUs first_run_us(core::StepContext& ctx, std::string_view name);

// Publishes the keeper's position (`local`, marked final or not) under the
// service's optime key, by compare-and-set on the revision it last wrote;
// waits (saying `waiting`) while the store has not answered. The position
// is taken on the first run, so a rerun asks the same.
core::StepResult publish_position(core::StepContext& ctx, core::Coordination* coordination,
                                  Keeper& keeper, const core::Checkin& local, bool final,
                                  std::string_view waiting);

// Gives the lease the keeper holds back to the store (compare-and-remove on
// its revision), for at most `retry_timeout_us` from the first send (timed by
// `sent_var`): past that the lease is left to expire.
core::StepResult release_lease_held(core::StepContext& ctx, core::Coordination* coordination,
                                    const Keeper& keeper, core::TimeUs retry_timeout_us,
                                    std::string_view sent_var);

// A local command, asked again under a new key only after a definite
// refusal (a database that was down when asked).
enum class Local : std::uint8_t { kDone, kRefused };
Local command(core::StepContext& ctx, core::InfraVerb verb, std::string argument,
              std::string_view label, std::string* why);

}  // namespace unwedge::lease
