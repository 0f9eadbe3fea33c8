// Checks every command's options share, made before a value is converted.
//
// Left to itself, CLI11 reads "-1" into an unsigned option as
// 18446744073709551615 and "" into a number as 0, and takes an empty
// directory for the current one; these refuse both with the option's name
// and what it takes.
//
//   command->add_option("--seed", seed)->check(whole_number(kSeedMax));
//   refuse_empty_values(app);  // once every command is added
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace unwedge::cli {

// Seeds are whole numbers that fit a signed 64-bit integer, the same range
// for every command (a seed `gen` writes is one `run` reads).
inline constexpr std::uint64_t kSeedMax = INT64_MAX;

// Digits only (no sign, no space, no exponent), from 0 to `max`.
CLI::Validator whole_number(std::uint64_t max);

// Every option of `app` and of its commands that takes a value refuses an
// empty one.
void refuse_empty_values(CLI::App& app);

}  // namespace unwedge::cli
