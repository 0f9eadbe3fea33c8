// The PostgreSQL server the tests may use: a throwaway cluster the test run
// starts (tests/support/postgres_cluster.sh, as the ctest fixture
// "postgres"), or one named by the environment.
//
// The cluster's script writes one line to UNWEDGE_TEST_POSTGRES_FILE: the
// connection string, or "absent: <why>" when the server binaries are not
// installed. UNWEDGE_TEST_POSTGRES, when set, names a server to use
// instead. A test that needs the server skips with the reason when there is
// none, never silently:
//
//   TestPostgres pg = test_postgres();
//   if (!pg.conninfo) GTEST_SKIP() << pg.why_absent;
#pragma once

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace unwedge::testing {

struct TestPostgres {
  std::optional<std::string> conninfo;
  std::string why_absent;
};

inline TestPostgres test_postgres() {
  if (const char* named = std::getenv("UNWEDGE_TEST_POSTGRES"); named != nullptr && *named) {
    return {.conninfo = std::string(named), .why_absent = {}};
  }
#ifdef UNWEDGE_TEST_POSTGRES_FILE
  std::ifstream file(UNWEDGE_TEST_POSTGRES_FILE);
  std::string line;
  if (file && std::getline(file, line) && !line.empty()) {
    if (line.starts_with("absent:")) {
      return {.conninfo = std::nullopt,
              .why_absent = "no PostgreSQL server for this test:" + line.substr(7)};
    }
    return {.conninfo = line, .why_absent = {}};
  }
  return {.conninfo = std::nullopt,
          .why_absent = std::string("no PostgreSQL server for this test: ") +
                        UNWEDGE_TEST_POSTGRES_FILE +
                        " is not written; run the test through ctest (its fixture starts a "
                        "throwaway cluster) or set UNWEDGE_TEST_POSTGRES to a connection string"};
#else
  return {.conninfo = std::nullopt,
          .why_absent =
              "no PostgreSQL server for this test: set UNWEDGE_TEST_POSTGRES to a "
              "connection string"};
#endif
}

}  // namespace unwedge::testing
