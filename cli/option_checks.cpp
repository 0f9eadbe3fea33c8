#include "cli/option_checks.hpp"

#include <charconv>
#include <fmt/format.h>
#include <string>

namespace unwedge::cli {

CLI::Validator whole_number(std::uint64_t max) {
  const std::string expected = fmt::format("a whole number from 0 to {}", max);
  return CLI::Validator(
      [max, expected](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        // from_chars takes no sign, space or prefix: digits alone get through.
        if (text.empty() || error == std::errc::invalid_argument || stop != end) {
          return fmt::format("'{}' is not {}", text, expected);
        }
        if (error == std::errc::result_out_of_range || value > max) {
          return fmt::format("{} is too large: expected {}", text, expected);
        }
        return "";
      },
      expected);
}

namespace {

void refuse_empty_in(CLI::App& app) {
  const CLI::Validator non_empty(
      [](std::string& text) -> std::string {
        return text.empty() ? "an empty value names nothing; give one, or leave the option out"
                            : "";
      },
      "");
  for (CLI::Option* option : app.get_options([](CLI::Option*) { return true; })) {
    if (option->get_type_size_min() > 0) option->check(non_empty);
  }
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
    refuse_empty_in(*command);
}

}  // namespace

void refuse_empty_values(CLI::App& app) {
  refuse_empty_in(app);
}

}  // namespace unwedge::cli
