#!/usr/bin/env bash
# The fuzz job: builds the libFuzzer targets (the `fuzz` preset, clang-14),
# runs every registered target for SECONDS each and fails if any of them
# crashes, then runs the canary and fails if it does NOT crash within 60 s
# (a fuzz setup that cannot find a planted bug proves nothing by passing).
#
#   scripts/fuzz.sh        # 30 s per target
#   scripts/fuzz.sh 600    # a longer campaign
#   UNWEDGE_FUZZ_PRESET=asan scripts/fuzz.sh 15   # the targets of the asan build (CI)
#   UNWEDGE_FUZZ_PRESET=fuzz-fast scripts/fuzz.sh 3600   # a bug hunt: no sanitizers, ~2x faster
#   UNWEDGE_FUZZ_KEEP_GOING=1 UNWEDGE_FUZZ_TARGETS=fleet_fuzzer \
#     UNWEDGE_FUZZ_PRESET=fuzz-fast scripts/fuzz.sh 3600   # a long hunt that keeps going past crashes
#
# UNWEDGE_FUZZ_TARGETS (names separated by spaces) fuzzes only those targets
# and skips the canary. UNWEDGE_FUZZ_KEEP_GOING=1 runs libFuzzer in fork mode
# with crashes, timeouts and out-of-memory inputs ignored, so one hunt
# collects every crash input its time finds rather than stopping at the
# first; the job still fails if it saved any.
#
# The targets are read from build/<preset>/fuzz/targets.txt, which
# fuzz/CMakeLists.txt writes from its unwedge_fuzzer() registrations. Each
# run starts from a copy of the checked-in seed corpus fuzz/corpus/<name>/ in a
# temporary directory, so the checked-in corpus is never modified, and uses
# the target's dictionary fuzz/dictionaries/<name>.dict. The log and
# any crash, leak or timeout input go to out/fuzz/<name>/; replay one with
# build/fuzz/fuzz/<name> FILE, or with any compiler and no libFuzzer with
# build/default/fuzz/<name>_replay FILE (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
canary_seconds=60
jobs="${UNWEDGE_JOBS:-2}"
only_targets="${UNWEDGE_FUZZ_TARGETS:-}"
keep_going=()
if [[ "${UNWEDGE_FUZZ_KEEP_GOING:-0}" == 1 ]]; then
  keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]; got '$seconds', expected a positive integer" >&2
  exit 2
fi

# Any preset with UNWEDGE_FUZZ=ON: `fuzz` builds only what the targets need;
# CI passes `asan`, whose build of the test suite has the targets already.
preset="${UNWEDGE_FUZZ_PRESET:-fuzz}"

scripts/install-deps.sh
cmake --preset "$preset" >/dev/null

build=build/$preset/fuzz
registry=$build/targets.txt
if [[ ! -s "$registry" ]]; then
  echo "$registry is missing or empty; fuzz/CMakeLists.txt must register targets" >&2
  exit 1
fi
# Only the targets and what they link: the command and its campaign engine
# are not fuzzed here, and building them with sanitizers would double the time.
mapfile -t targets < <(awk 'NF { print $1 }' "$registry")
if [[ -n "$only_targets" ]]; then
  for name in $only_targets; do
    if ! grep -qx "$name" < <(printf '%s\n' "${targets[@]}"); then
      echo "UNWEDGE_FUZZ_TARGETS names '$name', which is not a registered target (${targets[*]})" >&2
      exit 2
    fi
  done
  read -r -a targets <<<"$only_targets"
fi
cmake --build --preset "$preset" -j "$jobs" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_target NAME SECONDS: one libFuzzer run from a fresh copy of the seeds;
# its exit status is libFuzzer's (non-zero on a crash, leak or timeout).
run_target() {
  local name=$1 time=$2
  local corpus="$work/$name" out="out/fuzz/$name"
  rm -rf "$out" "$corpus"
  mkdir -p "$out" "$corpus"
  cp fuzz/corpus/"$name"/* "$corpus"/
  "$build/$name" -max_total_time="$time" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
    "${keep_going[@]}" \
    -dict="fuzz/dictionaries/$name.dict" \
    -artifact_prefix="$out/" "$corpus" >"$out/fuzz.log" 2>&1
}

# "seed 123, 45678 runs in 30 s, 1522 exec/s", from a libFuzzer log.
summary() {
  awk '
    /^INFO: Seed:/ { seed = $3 }
    /^stat::number_of_executed_units:/ { runs = $2 }
    /^stat::average_exec_per_sec:/ { rate = $2 }
    /^Done [0-9]+ runs in/ { time = $5 }
    # Fork mode prints no final statistics, only progress lines:
    # "#6848: cov: 12394 ft: 17771 corp: 715 exec/s 233 oom/timeout/crash: 0/0/0 time: 29s ..."
    /^#[0-9]+: cov:/ {
      runs = substr($1, 2, length($1) - 2)
      for (i = 2; i < NF; i++) {
        if ($i == "exec/s") rate = $(i + 1)
        if ($i == "time:") time = substr($(i + 1), 1, length($(i + 1)) - 1)
        if ($i == "oom/timeout/crash:") found = $(i + 1)
      }
    }
    END {
      printf "seed %s, %s runs in %s s, %s exec/s", seed, runs, time, rate
      if (found != "") printf ", oom/timeout/crash %s", found
    }
  ' "$1"
}

artifacts() {
  find "out/fuzz/$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
    -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort
}

failed=()
canaries=()
while read -r name kind; do
  [[ -n "$name" ]] || continue
  if [[ -n "$only_targets" ]] && ! [[ " $only_targets " == *" $name "* ]]; then
    continue
  fi
  if [[ "$kind" == canary ]]; then
    canaries+=("$name")
    continue
  fi
  echo "== $name: fuzzing for $seconds s"
  if run_target "$name" "$seconds" && [[ -z "$(artifacts "$name" | grep -v /slow-unit-)" ]]; then
    echo "   ok: $(summary "out/fuzz/$name/fuzz.log")"
    continue
  fi
  failed+=("$name")
  echo "   FAILED: $(summary "out/fuzz/$name/fuzz.log"); the end of out/fuzz/$name/fuzz.log:"
  tail -n 30 "out/fuzz/$name/fuzz.log" | sed 's/^/   | /'
  for input in $(artifacts "$name"); do
    echo "   replay: $build/$name $input"
    echo "       or: build/default/fuzz/${name}_replay $input"
  done
done <"$registry"

if [[ -n "$only_targets" ]]; then
  echo "== the canary is skipped: UNWEDGE_FUZZ_TARGETS chose the targets"
elif [[ ${#canaries[@]} -eq 0 ]]; then
  echo "== no canary is registered; register one with unwedge_fuzzer(... CANARY)"
  failed+=("(no canary)")
fi
for name in "${canaries[@]}"; do
  echo "== $name: the canary must crash within $canary_seconds s"
  started=$SECONDS
  if run_target "$name" "$canary_seconds"; then
    failed+=("$name")
    echo "   FAILED: the canary found nothing in $canary_seconds s ($(summary "out/fuzz/$name/fuzz.log"))"
    echo "   the fuzz setup has stopped finding bugs: check the build flags and fuzz/generators.hpp"
  elif [[ -z "$(artifacts "$name")" ]]; then
    failed+=("$name")
    echo "   FAILED: libFuzzer stopped without an input that crashes; out/fuzz/$name/fuzz.log ends:"
    tail -n 30 "out/fuzz/$name/fuzz.log" | sed 's/^/   | /'
  else
    echo "   ok: found after $((SECONDS - started)) s: $(artifacts "$name" | head -n 1)"
    grep -m 1 -o 'canary found: .*' "out/fuzz/$name/fuzz.log" | sed 's/^/   /' || true
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzing FAILED: ${failed[*]}"
  exit 1
fi
if [[ -n "$only_targets" ]]; then
  echo "fuzzing passed: $only_targets ran $seconds s without a crash (no canary run)"
else
  echo "fuzzing passed: every target ran $seconds s without a crash and the canary was found"
fi
