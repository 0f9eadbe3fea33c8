// `unwedge serve` as a team runs it: the reference plane's process over the
// in-memory store, a SQLite file and a PostgreSQL server, with the stand-in
// fleet API logging what the plane asks of it; and what it refuses.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/cli/command_runner.hpp"
#include "tests/support/temp_path.hpp"
#include "tests/support/test_postgres.hpp"
#include "tests/support/text_file.hpp"

namespace unwedge::cli {
namespace {

using testing::Ran;
using testing::run_shell;
using testing::shell_quote;
using testing::unwedge;
using unwedge::testing::read_text_file;

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The log's lines as JSON, each checked to be one object with every field.
std::vector<nlohmann::json> log_lines(const std::filesystem::path& log) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(read_text_file(log));
  for (std::string line; std::getline(in, line);) {
    nlohmann::json json = nlohmann::json::parse(line);
    for (const char* field :
         {"time", "verb", "target", "argument", "idempotency_key", "ask", "answer"}) {
      EXPECT_TRUE(json.contains(field)) << field << " missing from " << line;
    }
    lines.push_back(std::move(json));
  }
  return lines;
}

bool asked(const std::vector<nlohmann::json>& lines, const std::string& verb,
           const std::string& target, const std::string& answer) {
  for (const nlohmann::json& line : lines) {
    if (line["verb"] == verb && line["target"] == target && line["answer"] == answer) return true;
  }
  return false;
}

// Serves `store`, ordering db1, until idle; the log goes to `log`.
Ran serve_until_idle(const std::string& store, const std::filesystem::path& log,
                     const std::string& service = "db1") {
  return unwedge("serve --store " + shell_quote(store) + " --order " + service +
                 " --until-idle --interval 0s --log " + shell_quote(log.string()));
}

// A first serve provisions the service; a second over the same store orders
// nothing and finds it available, asking the fleet for nothing new.
void check_served_twice(const std::string& store, const std::string& service,
                        const std::string& name) {
  const std::filesystem::path first_log = unwedge::testing::temp_path(name + "-1.jsonl");
  const std::filesystem::path second_log = unwedge::testing::temp_path(name + "-2.jsonl");
  std::filesystem::remove(first_log);
  std::filesystem::remove(second_log);
  Ran first = serve_until_idle(store, first_log, service);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(has(first.output, "ordered service " + service)) << first.output;
  EXPECT_TRUE(has(first.output, "service " + service + ": provisioning -> available"))
      << first.output;
  EXPECT_TRUE(asked(log_lines(first_log), "create_host", service + "-1", "succeeded"));

  Ran second = serve_until_idle(store, second_log, service);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_FALSE(has(second.output, "ordered service")) << second.output;
  EXPECT_TRUE(has(second.output,
                  "service " + service + " is in the store already (available): not ordered again"))
      << second.output;
  // The hosts the first run created still check in: nothing changes state.
  EXPECT_TRUE(has(second.output, "service " + service + ": available, leader " + service + "-1"))
      << second.output;
  EXPECT_FALSE(has(second.output, " -> ")) << second.output;
  EXPECT_TRUE(log_lines(second_log).empty()) << read_text_file(second_log);
}

TEST(Serve, ProvisionsAnOrderedServiceOverTheInMemoryStore) {
  const std::filesystem::path log = unwedge::testing::temp_path("serve-memory.jsonl");
  std::filesystem::remove(log);
  Ran ran = serve_until_idle("memory", log);
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(has(ran.output, "ordered service db1 with 1 standby")) << ran.output;
  // The journal's lines: the plane's own steps and state changes.
  EXPECT_TRUE(has(ran.output, "Provision/db1")) << ran.output;
  EXPECT_TRUE(has(ran.output, "server db1-1: creating -> running (created)")) << ran.output;
  EXPECT_TRUE(has(ran.output, "service db1: provisioning -> available (provisioned)"))
      << ran.output;
  EXPECT_TRUE(has(ran.output, "stopped idle after")) << ran.output;
  EXPECT_TRUE(has(ran.output, "service db1: available, leader db1-1")) << ran.output;

  // Every request asked once (accepted) and again (done), under one key.
  const std::vector<nlohmann::json> lines = log_lines(log);
  for (const char* host : {"db1-1", "db1-2"}) {
    EXPECT_TRUE(asked(lines, "create_host", host, "pending")) << host;
    EXPECT_TRUE(asked(lines, "create_host", host, "succeeded")) << host;
  }
  EXPECT_TRUE(asked(lines, "follow", "db1-2", "succeeded"));
  EXPECT_TRUE(asked(lines, "point_endpoint", "db1", "succeeded"));
  for (const nlohmann::json& line : lines) {
    EXPECT_EQ(line["answer"] == "pending", line["ask"] == 1) << line.dump();
    EXPECT_FALSE(line["idempotency_key"].get<std::string>().empty()) << line.dump();
  }
}

TEST(Serve, WritesTheFleetLogToStandardOutputByDefaultAndStopsAfterPasses) {
  Ran ran = unwedge("serve --store memory --order db1 --passes 2 --interval 10ms");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_TRUE(has(ran.output, "\"verb\":\"create_host\"")) << ran.output;
  EXPECT_TRUE(has(ran.output, "stopped after 2 passes")) << ran.output;
  EXPECT_TRUE(has(ran.output, "service db1: provisioning")) << ran.output;
}

TEST(Serve, StopsAtSigtermAfterThePassUnderWay) {
  Ran ran = run_shell(std::string(UNWEDGE_CLI) +
                      " serve --store memory --interval 50ms --log /dev/null & pid=$!; sleep 1; "
                      "kill -TERM $pid; wait $pid; echo exit=$?");
  EXPECT_TRUE(has(ran.output, "stopped by a signal")) << ran.output;
  EXPECT_TRUE(has(ran.output, "exit=0")) << ran.output;
}

TEST(Serve, RunsTwiceOverOneSqliteFile) {
  const std::filesystem::path file = unwedge::testing::temp_path("serve.sqlite");
  std::filesystem::remove(file);
  check_served_twice("sqlite:" + file.string(), "db1", "serve-sqlite");
}

TEST(Serve, RunsTwiceOverPostgres) {
  const unwedge::testing::TestPostgres pg = unwedge::testing::test_postgres();
  if (!pg.conninfo) GTEST_SKIP() << pg.why_absent;
  // A service of this process's own: the server outlives the test.
  // A database of its own (the cluster's script makes it; the last dbname
  // of a libpq conninfo wins): the store tests leave entities of their own
  // kinds in the cluster's first one.
  check_served_twice(*pg.conninfo + " dbname=unwedge_serve", "pg" + std::to_string(::getpid()),
                     "serve-postgres");
}

TEST(Serve, RefusesAStoreItCannotOpen) {
  Ran unknown = unwedge("serve --store nosuch:thing --passes 1");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_TRUE(has(unknown.output, "nosuch:thing")) << unknown.output;
  EXPECT_TRUE(has(unknown.output, "memory, sqlite:PATH")) << unknown.output;

  Ran missing = unwedge("serve --store sqlite:/nonexistent-directory/state.db --passes 1");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_TRUE(has(missing.output, "cannot open the store sqlite:/nonexistent-directory/state.db"))
      << missing.output;

  Ran none = unwedge("serve --passes 1");
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_TRUE(has(none.output, "--store")) << none.output;
}

TEST(Serve, RefusesAPlaneItCannotRun) {
  Ran unknown = unwedge("serve --store memory --control-plane nosuch");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_TRUE(has(unknown.output, "no control plane named 'nosuch'")) << unknown.output;

  // A plane that declares no codecs cannot keep its state in a database.
  Ran no_codecs = run_shell(std::string(MISWRITTEN_PLANE_CLI) +
                            " serve --control-plane miswritten --store sqlite:" +
                            shell_quote(unwedge::testing::temp_path("miswritten.sqlite").string()));
  EXPECT_EQ(no_codecs.exit_code, 2) << no_codecs.output;
  EXPECT_TRUE(has(no_codecs.output, "does not declare its entities' codecs")) << no_codecs.output;

  Ran consensus = unwedge("serve --store memory --control-plane lease --passes 1");
  EXPECT_EQ(consensus.exit_code, 2) << consensus.output;
  EXPECT_TRUE(has(consensus.output, "needs a consensus store")) << consensus.output;
}

TEST(Serve, RefusesBadFlags) {
  for (const char* flags : {"--order db1:x", "--order :2", "--set nokey", "--interval -1s",
                            "--interval soon", "--passes 2 --until-idle"}) {
    Ran ran = unwedge(std::string("serve --store memory ") + flags);
    EXPECT_EQ(ran.exit_code, 2) << flags << "\n" << ran.output;
  }
  Ran setting = unwedge("serve --store memory --set nosuch_setting=1 --passes 1");
  EXPECT_EQ(setting.exit_code, 2) << setting.output;
  EXPECT_TRUE(has(setting.output, "nosuch_setting")) << setting.output;
}

}  // namespace
}  // namespace unwedge::cli
