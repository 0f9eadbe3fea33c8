// report.html as a person sees it: opened in headless Chromium, it must
// raise no console messages (a script error or a blocked load would log
// one), and its DOM must hold the machine graphs and the run timelines.
// Skipped, saying why, where Chromium is not installed or cannot start.
//
// With UNWEDGE_REPORT_SCREENSHOT=path set, it also saves a screenshot of the
// fixture report there; docs/reports/report.png is made that way:
//
//   UNWEDGE_REPORT_SCREENSHOT=$PWD/docs/reports/report.png build/default/tests/reports_browser_test

#include <cstdlib>
#include <fstream>
#include <gmock/gmock.h>
#include <sstream>

#include <gtest/gtest.h>

#include "reports/html_report.hpp"
#include "tests/reports/report_fixture.hpp"
#include "tests/reports/scratch_files.hpp"

namespace unwedge::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Its own profile directory, so runs in parallel do not share one; a bound
// on its time, so a wedged browser fails the test instead of hanging it.
std::string chromium(const testing::ScratchDir& dir, const std::string& arguments) {
  return "timeout 120 chromium --headless --disable-gpu --no-sandbox --disable-dev-shm-usage "
         "--hide-scrollbars --user-data-dir=" +
         (dir.path() / "profile").string() + " " + arguments;
}

struct BrowserRun {
  bool ran = false;
  std::string dom;
  std::string console;
  std::string why_not;  // when it did not run
};

BrowserRun open_page(const testing::ScratchDir& dir, const std::string& html) {
  const auto page = dir.write("page.html", html);
  const auto log = dir.path() / "console.log";
  const testing::CommandResult dump = testing::run_command(
      "(" + chromium(dir, "--enable-logging=stderr --v=0 --dump-dom file://" + page.string()) +
      " 2>" + log.string() + ")");
  BrowserRun run;
  run.console = read_file(log);
  if (dump.exit_code != 0 || dump.output.find("<html") == std::string::npos) {
    run.why_not = "chromium cannot run here (exit " + std::to_string(dump.exit_code) +
                  "): " + run.console.substr(0, 2000);
    return run;
  }
  run.ran = true;
  run.dom = dump.output;
  return run;
}

TEST(HtmlReportInBrowser, ShowsGraphsAndTimelinesWithoutConsoleMessages) {
  if (!testing::have_program("chromium")) {
    GTEST_SKIP() << "chromium is not installed; scripts/install-deps.sh installs it";
  }
  testing::ScratchDir dir("browser");
  const BrowserRun run = open_page(dir, html_report(testing::fixture_report()));
  if (!run.ran) GTEST_SKIP() << run.why_not;
  EXPECT_THAT(run.console, Not(HasSubstr(":CONSOLE"))) << run.console;
  const std::string& dom = run.dom;
  EXPECT_EQ(testing::occurrences(dom, "<div class=\"graph\"><svg"), 2u);
  EXPECT_THAT(dom, HasSubstr("class=\"node\""));
  EXPECT_THAT(dom, HasSubstr("class=\"edge\""));
  EXPECT_EQ(testing::occurrences(dom, "class=\"timeline\""), 2u);
  EXPECT_THAT(dom, HasSubstr("<g class=\"violation\">"));
  EXPECT_THAT(dom, Not(HasSubstr("<script")));
  EXPECT_THAT(dom, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

// The canary: a page whose script is refused must show in the console log,
// or the check above would pass whatever the page did.
TEST(HtmlReportInBrowser, ConsoleCheckSeesAScriptTheReportPolicyRefuses) {
  if (!testing::have_program("chromium")) GTEST_SKIP() << "chromium is not installed";
  testing::ScratchDir dir("browser-canary");
  std::string page = html_report(testing::fixture_report());
  page.insert(page.find("</body>"), "<script>document.title = 'ran';</script>");
  const BrowserRun run = open_page(dir, page);
  if (!run.ran) GTEST_SKIP() << run.why_not;
  EXPECT_THAT(run.console, HasSubstr(":CONSOLE"));
  EXPECT_THAT(run.dom, Not(HasSubstr("<title>ran</title>")));
}

TEST(HtmlReportInBrowser, ScreenshotWhenAsked) {
  const char* screenshot = std::getenv("UNWEDGE_REPORT_SCREENSHOT");
  if (screenshot == nullptr) GTEST_SKIP() << "set UNWEDGE_REPORT_SCREENSHOT=path to save one";
  if (!testing::have_program("chromium")) GTEST_SKIP() << "chromium is not installed";
  testing::ScratchDir dir("screenshot");
  const auto page = dir.write("report.html", html_report(testing::fixture_report()));
  const testing::CommandResult shot = testing::run_command(
      chromium(dir, "--window-size=1280,2000 --screenshot=" + std::string(screenshot) + " file://" +
                        page.string()));
  EXPECT_EQ(shot.exit_code, 0) << shot.output;
  EXPECT_TRUE(std::filesystem::exists(screenshot));
}

}  // namespace
}  // namespace unwedge::reports
