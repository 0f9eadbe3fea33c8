#!/usr/bin/env bash
# The main job: installs what is missing, builds, model-checks the bundled
# reference control plane, then runs the nightly campaign (every bundled
# scenario, then swarm seeds until the budget is spent), writing reports to
# out/nightly (or the directory given with --out). Exit 0 when everything
# holds, 1 on a finding. UNWEDGE_BUDGET sets the campaign's time (default 1m).
# Part of the budget goes to the guided search, which starts from the corpus
# the last run kept in out/corpus (UNWEDGE_CORPUS) and from the fleet
# fuzzer's corpus, and keeps what it finds there for the next run.
#
#   scripts/nightly.sh                 # reports in out/nightly
#   scripts/nightly.sh --out DIR       # elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${UNWEDGE_JOBS:-$(nproc)}"
out="out/nightly"
if [[ "${1:-}" == "--out" ]]; then
  out="${2:?--out needs a directory}"
elif [[ $# -gt 0 ]]; then
  echo "scripts/nightly.sh: unknown argument '$1'; the only option is --out DIR" >&2
  exit 2
fi

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs" --target unwedge
status=0
build/default/cli/unwedge check-model --control-plane postgres --out "$out" >/dev/null || status=$?
build/default/cli/unwedge nightly --out "$out" --budget "${UNWEDGE_BUDGET:-1m}" --jobs "$jobs" \
  --corpus "${UNWEDGE_CORPUS:-out/corpus}" --fuzz-corpus fuzz/corpus/fleet_fuzzer || status=$?
echo "reports in $out: report.html, junit.xml, summary.md, report.json, runs.jsonl, repro/ (failing scenarios), check-model.txt"
exit "$status"
