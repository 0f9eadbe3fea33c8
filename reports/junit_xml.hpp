// A campaign report as JUnit XML, the format CI systems show as test
// results: a testsuite "scenarios" with one testcase per bundled scenario,
// and a testsuite "invariants" with one testcase per invariant. A failure's
// message is the violation in a sentence; its body gives the seed, the
// invariant, the reproducer and the exact command that replays it. The
// schema it follows is tests/reports/junit.xsd.
//
//   write_file(out_dir / "junit.xml", junit_xml(report));
#pragma once

#include <string>

#include "reports/report.hpp"

namespace unwedge::reports {

// A whole XML document; the same report gives the same bytes (no
// timestamps, no host names).
std::string junit_xml(const Report& report);

}  // namespace unwedge::reports
