// campaign_driver: the campaign engine as a process, over in-memory items
// (tests/cli/campaign_test_items.hpp), with the same flags and environment
// as `unwedge nightly`. The tests start it as separate processes to check
// sharding across processes and interruption by signals.
//
//   campaign_driver --out DIR --seeds 40 --jobs 2 --shard 2/4 [--bundled 3]
//                   [--segfault-seed S]... [--fail-seed S]... [--slow-ms 50]
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/campaign.hpp"
#include "cli/campaign_options.hpp"
#include "cli/commands.hpp"
#include "tests/cli/campaign_test_items.hpp"

int main(int argc, char** argv) {
  using namespace unwedge::cli;
  CLI::App app{"campaign_driver: the campaign engine over in-memory test items"};
  CampaignFlags flags;
  add_campaign_flags(app, flags);
  testing::TestItemsSpec spec;
  app.add_option("--bundled", spec.bundled, "In-memory bundled scenarios");
  app.add_option("--segfault-seed", spec.segfault_seeds, "Swarm seeds whose worker segfaults");
  app.add_option("--fail-seed", spec.fail_seeds, "Swarm seeds that fail their verdict");
  app.add_option("--slow-ms", spec.slow_ms, "Each item sleeps this long first");
  CLI11_PARSE(app, argc, argv);
  const Environment environment = process_environment();
  unwedge::core::Result<CampaignSettings> settings = campaign_settings(flags, environment);
  if (!settings) {
    std::fprintf(stderr, "campaign_driver: %s\n", settings.error().message.c_str());
    return kExitBadInput;
  }
  unwedge::core::Result<CampaignResult> result = run_campaign(
      *settings, testing::test_items(spec), {.to_file_text = testing::test_scenario_text});
  if (!result) {
    std::fprintf(stderr, "campaign_driver: %s\n", result.error().message.c_str());
    return kExitBadInput;
  }
  return result->exit_code;
}
