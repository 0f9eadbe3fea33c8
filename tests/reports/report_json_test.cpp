// report.json: what is written reads back the same, and what is not a
// report (truncated, corrupt, of another version, with keys missing or
// unknown, or values of the wrong type) is refused with a message naming
// the file, the place and the fix, never a crash.
#include "reports/report_json.hpp"

#include <string>

#include <gtest/gtest.h>

#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/reports/full_report_sample.hpp"

namespace unwedge::reports {
namespace {

std::string error_of(std::string_view text) {
  core::Result<Report> report = parse_report(text, "shard2/report.json");
  return report ? std::string("accepted") : report.error().message;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ReportJson, AReportWithEveryFieldSetReadsBackTheSame) {
  const Report report = testing::sample_report();
  const std::string text = to_json(report);
  core::Result<Report> back = parse_report(text, "report.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, report);
  EXPECT_EQ(to_json(*back), text);
  EXPECT_EQ(parse_report(to_json(Report{}), "empty.json").value(), Report{});
}

RC_GTEST_PROP(ReportJson, CountsNamesAndRangesReadBackTheSame,
              (std::uint64_t runs, std::int64_t simulated_us, std::vector<std::uint64_t> counts,
               bool interrupted)) {
  // Any ASCII, control characters and quotes included (the writer replaces
  // bytes that are not UTF-8, so those would not read back as written).
  const std::string name = *rc::gen::container<std::string>(rc::gen::inRange<char>(0, 127));
  Report report = testing::sample_report();
  report.campaign.runs = runs;
  report.campaign.simulated_us = simulated_us;
  report.campaign.interrupted = interrupted;
  report.coverage.machines[0].name = name;
  report.failures[0].sentence = name;
  report.failures[0].digest = runs;
  for (std::size_t b = 0; b < counts.size() && b < DwellBuckets::kBuckets; ++b)
    report.coverage.machines[0].states[0].dwell.counts[b] = counts[b];
  core::Result<Report> back = parse_report(to_json(report), "report.json");
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == report);
}

// The canary key came after schema version 1 was fixed: a report without a
// canary is written and read exactly as before it existed.
TEST(ReportJson, TheCanaryIsAnOptionalKeyOfItsOwn) {
  Report without = testing::sample_report();
  without.canary.reset();
  const std::string text = to_json(without);
  EXPECT_EQ(text.find("\"canary\""), std::string::npos);
  core::Result<Report> back = parse_report(text, "report.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, without);
  const std::string with = to_json(testing::sample_report());
  EXPECT_EQ(error_of(replaced(with, "is missing from the leader db1-5\"",
                              "is missing from the leader db1-5\", \"extra\": 1")),
            "shard2/report.json: canary: unknown key \"extra\"; it is not a report.json this "
            "unwedge wrote: run its shard again (unwedge nightly --shard i/N) to write it anew");
}

// A campaign of several planes adds `planes` (and each run's plane) after
// schema version 1 was fixed: only such a report has them, and it has one
// entry for each plane its campaign names.
TEST(ReportJson, EachPlaneOfACampaignOfSeveralReadsBackInTheCampaignsOrder) {
  const Report report = testing::sample_report_of_two_planes();
  const std::string text = to_json(report);
  EXPECT_LT(text.find("\"planes\": {\n    \"postgres\""), text.find("\n    \"lease\": {"));
  core::Result<Report> back = parse_report(text, "report.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, report);
  EXPECT_EQ(to_json(*back), text);
  const std::string one = to_json(testing::sample_report());
  EXPECT_EQ(one.find("\"planes\""), std::string::npos);
  EXPECT_EQ(one.find("\"control_plane\": \"lease\""), std::string::npos);

  EXPECT_NE(error_of(replaced(text, "\"control_plane\": \"postgres,lease\"",
                              "\"control_plane\": \"postgres,lease,minimal\""))
                .find("planes: expected one entry for each plane of campaign.control_plane "
                      "(\"postgres,lease,minimal\"), found 2"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"control_plane\": \"postgres,lease\"",
                              "\"control_plane\": \"postgres,other\""))
                .find("planes: the plane \"other\" of campaign.control_plane is missing"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"control_plane\": \"postgres,lease\"",
                              "\"control_plane\": \"postgres\""))
                .find("planes: expected one entry for each plane"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"control_plane\": \"lease\",\n        \"build\"",
                              "\"control_plane\": \"raft\",\n        \"build\""))
                .find("planes.lease.campaign.control_plane: expected \"lease\", found \"raft\""),
            std::string::npos);
  Report without = report;
  without.planes.clear();
  EXPECT_NE(error_of(to_json(without))
                .find("the top level: the key \"planes\" is missing, and campaign.control_plane "
                      "names 2 planes (\"postgres,lease\")"),
            std::string::npos);
}

TEST(ReportJson, TheSameReportIsTheSameBytes) {
  EXPECT_EQ(to_json(testing::sample_report()), to_json(testing::sample_report()));
  const std::string text = to_json(testing::sample_report());
  // Keys in the documented order, not alphabetical.
  EXPECT_LT(text.find("\"schema_version\""), text.find("\"campaign\""));
  EXPECT_LT(text.find("\"campaign\""), text.find("\"coverage\""));
}

TEST(ReportJson, EveryTruncationIsAnErrorNamingTheFile) {
  const std::string text = to_json(testing::sample_report());
  for (std::size_t size = 0; size + 1 < text.size(); size += 7) {
    const std::string message = error_of(std::string_view(text).substr(0, size));
    EXPECT_TRUE(message.starts_with("shard2/report.json: ")) << size << ": " << message;
  }
  EXPECT_NE(error_of(std::string_view(text).substr(0, text.size() / 2)).find("truncated"),
            std::string::npos);
  EXPECT_NE(error_of("").find("truncated"), std::string::npos);
}

TEST(ReportJson, CorruptBytesAreAnErrorNeverACrash) {
  const std::string text = to_json(testing::sample_report());
  for (std::size_t at = 0; at < text.size(); at += 13) {
    std::string corrupt = text;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x5a);
    core::Result<Report> report = parse_report(corrupt, "shard2/report.json");
    if (!report) {
      EXPECT_TRUE(report.error().message.starts_with("shard2/report.json: "));
    }
  }
  EXPECT_NE(error_of("\x01\xff garbage").find("not valid JSON"), std::string::npos);
}

TEST(ReportJson, AnotherSchemaVersionIsRefusedAsSuch) {
  const std::string text =
      replaced(to_json(Report{}), "\"schema_version\": 1", "\"schema_version\": 2");
  EXPECT_EQ(error_of(text),
            "shard2/report.json: schema_version: the file has schema version 2, this unwedge "
            "reads version 1; read it with the unwedge that wrote it, or run its shard again "
            "with this one; it is not a report.json this unwedge wrote: run its shard again "
            "(unwedge nightly --shard i/N) to write it anew");
}

TEST(ReportJson, MissingUnknownAndMistypedKeysNameTheirPlace) {
  const std::string text = to_json(testing::sample_report());
  EXPECT_NE(error_of(replaced(text, "\"events\": 12345,", ""))
                .find("shard2/report.json: campaign: the key \"events\" is missing"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"events\": 12345,", "\"events\": 12345, \"colour\": 1,"))
                .find("campaign: unknown key \"colour\""),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"entered\": 4", "\"entered\": \"four\""))
                .find("coverage.machines[0].states[0].entered: expected a whole number >= 0, "
                      "found a string"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"entered\": 4", "\"entered\": -4"))
                .find("expected a whole number >= 0, found an integer"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(text, "\"verdict\": \"fail\"", "\"verdict\": \"maybe\""))
                .find("failures[0].verdict: expected \"pass\", \"fail\" or \"error\""),
            std::string::npos);
  EXPECT_NE(error_of("[]").find("the top level: expected an object, found a list"),
            std::string::npos);
  EXPECT_NE(error_of("{}").find("the key \"schema_version\" is missing"), std::string::npos);
}

// A key written twice would keep only its last value: the file is refused,
// at the place of the second.
TEST(ReportJson, AKeyWrittenTwiceInOneObjectIsRefusedWhereItIs) {
  const std::string text = to_json(testing::sample_report());
  EXPECT_NE(error_of(replaced(text, "\"events\": 12345,", "\"events\": 12345, \"events\": 1,"))
                .find("shard2/report.json: campaign: the key \"events\" is written twice in one "
                      "object"),
            std::string::npos)
      << error_of(replaced(text, "\"events\": 12345,", "\"events\": 12345, \"events\": 1,"));
  EXPECT_NE(error_of(replaced(text, "\"entered\": 4", "\"entered\": 4, \"entered\": 5"))
                .find("coverage.machines[0].states[0]: the key \"entered\" is written twice"),
            std::string::npos)
      << error_of(replaced(text, "\"entered\": 4", "\"entered\": 4, \"entered\": 5"));
  EXPECT_NE(error_of("{\"schema_version\": 1, \"schema_version\": 1}")
                .find("the top level: the key \"schema_version\" is written twice"),
            std::string::npos);
  // The same key in two objects is no repeat.
  EXPECT_TRUE(parse_report(text, "shard2/report.json").ok());
}

// A key that is a near miss of a known one gets the name it meant, whether
// the slip left a known key missing or added an unknown one.
TEST(ReportJson, AMisspelledKeyIsNamedWithTheKeyItMeant) {
  const std::string text = to_json(testing::sample_report());
  EXPECT_NE(error_of(replaced(text, "\"events\": 12345,", "\"evnets\": 12345,"))
                .find("shard2/report.json: campaign: the key \"events\" is missing; is "
                      "\"evnets\" a misspelling of it?"),
            std::string::npos)
      << error_of(replaced(text, "\"events\": 12345,", "\"evnets\": 12345,"));
  EXPECT_NE(error_of(replaced(text, "\"events\": 12345,", "\"events\": 12345, \"event\": 1,"))
                .find("campaign: unknown key \"event\"; did you mean \"events\"?"),
            std::string::npos);
  EXPECT_EQ(error_of(replaced(text, "\"events\": 12345,", "\"events\": 12345, \"colour\": 1,"))
                .find("did you mean"),
            std::string::npos)
      << "no guess for a key like no other";
  // A sibling is no misspelling: first_seed is not first_item mistyped.
  const std::string no_first_item = replaced(text, "\"first_item\": \"swarm seed 2\",", "");
  ASSERT_NE(no_first_item, text);
  EXPECT_NE(error_of(no_first_item).find("the key \"first_item\" is missing; it is not"),
            std::string::npos)
      << error_of(no_first_item);
}

// Nesting deeper than any record is refused before the parser's tree grows
// with it.
TEST(ReportJson, NestingDeeperThanAnyRecordIsRefused) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_NE(error_of(deep).find("the top level: nested deeper than 32 levels"), std::string::npos)
      << error_of(deep).substr(0, 300);
  EXPECT_NE(error_of("{\"schema_version\": 1}}").find("not valid JSON at byte"), std::string::npos)
      << "an extra closing brace is not a file cut short";
}

TEST(ReportJson, OneRunsSparseCoverageLeavesOutZerosAndMergesBackIntoTheUniverse) {
  const Coverage full = testing::sample_report().coverage;
  const std::string line = coverage_to_json_line(full);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find("partition_complete"), std::string::npos);  // counted 0: left out
  core::Result<Coverage> sparse = parse_coverage(line, "a worker's coverage");
  ASSERT_TRUE(sparse.ok()) << sparse.error().message;
  Coverage universe = full;
  Coverage zero = full;
  // The universe with every count zero, then the sparse run added back.
  for (MachineCoverage& m : zero.machines) {
    for (StateCoverage& s : m.states) {
      s.entered = 0;
      s.dwell = {};
    }
    for (TransitionCoverage& t : m.transitions)
      t.taken = 0;
  }
  for (TableCoverage& t : zero.tables) {
    for (RuleCoverage& r : t.rules)
      r.fired = 0;
    t.cells.clear();
  }
  for (ActionCoverage& a : zero.actions) {
    a.started = 0;
    for (StepCoverage& s : a.steps)
      s.verdicts.clear();
  }
  for (NamedCount& f : zero.faults)
    f.count = 0;
  zero.sometimes.clear();  // only what was reached is listed
  zero.crashes = {};
  add_coverage(zero, *sparse);
  EXPECT_EQ(zero, universe);
}

TEST(ReportJson, AReportWrittenBeforeTheSwarmsCensusReadsAsReachingNothing) {
  Report report = testing::sample_report();
  std::string text = to_json(report);
  const std::size_t at = text.find("\"sometimes\": [");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = text.find(']', at);
  text.erase(at, text.find('"', end) - at);  // the key, its list and the comma
  core::Result<Report> back = parse_report(text, "old/report.json");
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text.substr(at - 100, 300);
  report.coverage.sometimes.clear();
  EXPECT_EQ(*back, report);
}

TEST(ReportJson, ATimelineLineReadsBack) {
  const RunTimeline timeline = *testing::sample_report().failures[0].timeline;
  core::Result<RunTimeline> back = parse_timeline(timeline_to_json_line(timeline), "timeline");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, timeline);
}

}  // namespace
}  // namespace unwedge::reports
