#!/usr/bin/env bash
# Writes the checked-in seed corpora (fuzz/corpus/<name>/) and the canary's
# crashing input (fuzz/crashes/canary_fuzzer/). Run it again after changing
# the byte layout in generators.hpp or builder_fuzzer.cpp, and commit the
# result. Each seed is a few hand-made bytes whose meaning is spelled out
# below; any byte string is a valid input, so the fuzzer takes it from there.
#
#   fuzz/make_seeds.sh
set -euo pipefail
cd "$(dirname "$0")"

seed() {  # seed DIR NAME HEX...
  local dir=$1 name=$2
  shift 2
  mkdir -p "$dir"
  local hex
  hex=$(printf '%s' "$*" | tr -d ' ')
  printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$dir/$name"
}

ramp() {  # ramp DIR NAME COUNT: the bytes 0, 1, ... COUNT-1 (mod 256)
  mkdir -p "$1"
  local out="" i
  for ((i = 0; i < $3; ++i)); do out+=$(printf '\\x%02x' $((i % 256))); done
  printf '%b' "$out" >"$1/$2"
}

rm -rf corpus crashes

# --- model_check_fuzzer: machine (generators.hpp), then source, target, waypoint.
mc=corpus/model_check_fuzzer
# one unhealthy unstable state, no transitions
seed $mc single-state 00
# replica_link: following (healthy, stable) -> promoting (dwell 120 s) ->
# promoted (healthy, stable, terminal); must promoted be reached via promoting?
seed $mc replica-link 02 03 04 77 0b 00 02 00 00 00 01 00 01 00 02 01
# s0 (safe) -> s1 <-> s2 (a wedged cycle), s3 (safe, unreachable) -> s0
seed $mc wedge-and-unreachable 03 03 00 00 03 00 04 00 00 00 01 00 00 02 02 00 03 00 00 00 03 01
# 16 states, dense transitions
ramp $mc ramp-256 256

# --- decision_table_fuzzer and canary_fuzzer: machine, then table, then
# examples_max and the query (decision_table_fuzzer only).
# The example of decision_table.hpp on the replica_link machine: signals
# NeedsPromote g0, NeedsUnfollow g1, StandbyLagging g2; actions Promote a0,
# Unfollow a1; rules unfollow {g1} -> a1 @2, promote {g0} unless {g2} in {s0}
# -> a0 @1, idle -> nothing @-1; invalid {g0, g1}. No two rules tie.
link_machine="02 03 04 77 0b 00 02 00 00 00 01 00 01"
link_table="02 02 03  02 00 43 01  01 04 46 01 00  00 00 40 02  01 02 00"
dt=corpus/decision_table_fuzzer
# one state, one signal, no rules: every cell a gap
seed $dt no-rules 00 00 00 00 00 00
# ... and the query "NeedsUnfollow always yields Unfollow"
seed $dt replica-link "$link_machine" "$link_table" 10 02 01 00
# two rules of equal priority disagree everywhere: every cell a conflict
seed $dt conflict 00 00 00 01 02 00 00 00 00 00 00 00 01 00 00 00 00
ramp $dt ramp-256 256

cn=corpus/canary_fuzzer
seed $cn no-rules 00 00 00 00 00 00
seed $cn replica-link "$link_machine" "$link_table"
# two rules of equal priority that agree: no conflict
seed $cn tie-that-agrees 00 00 00 01 02 00 00 00 00 00 00 00 00 00
# The crash: one state, one signal, one action; rule#0 -> a0 and rule#1 ->
# nothing, both at priority -1 and matching every cell.
seed crashes/canary_fuzzer tie-broken-by-order 00 00 00 01 02 00 00 00 00 00 00 00 01 00

# --- builder_fuzzer: a script of builder calls (builder_fuzzer.cpp). A name
# is "03 NN" for the pool name <prefix>NN, "00" for empty, "01 LL bytes" for
# raw bytes. Machine ops: 00 state, 02 transition, 03 initial, 04 terminal,
# 05 bulk states, 06 repeat the last state (00) or transition (01), 07 end.
# Table ops: 00 signals, 01 bulk signals, 02 actions, 03 rule, 05 invalid,
# 06 repeat the last signal (00) or rule (01), 07 end.
bf=corpus/builder_fuzzer
valid_machine="03 00  00 03 00 03  00 03 01 00  02 03 00 03 01 03 00  02 03 01 03 00 03 01  03 03 00"
# machine m0: s0 (healthy, stable), s1; s0 -> s1 (c0), s1 -> s0 (c1);
# initial s0. table t0: signals g0 g1; action a0; rule r0 {g0} unless {g1}
# in {s0} -> a0 @5; an unnamed rule; invalid {g0, g1} (w0).
seed $bf valid "$valid_machine" 07 \
  03 00  00 02 03 00 03 01  02 01 03 00 \
  03 01 03 00  01 03 00  01 03 01  01 03 00  01 03 00  00 00 00 05 \
  03 00 00 00 00 00 00 00 00 00  05 02 03 00 03 01 03 00 00  07 00 00
# the same machine with its last transition declared twice; a table with
# its last signal declared twice
seed $bf duplicates "$valid_machine" 06 01 07  03 00  00 01 03 00  06 00  07
# 70 bulk states and an undeclared initial state; 17 bulk signals
seed $bf too-many 03 00  05 45  03 03 00  07  03 00  01 10  07
# empty machine name, an empty state name, a negative dwell, a duplicate
# state, a self-loop, an unknown terminal; a table with an empty name, a
# duplicate signal and a rule with g0 in both when and unless
seed $bf mistakes 00  00 00 00  00 03 00 04 ff ff ff ff ff ff ff ff  06 00 \
  02 03 00 03 00 03 00  04 03 03  07 \
  00  00 03 03 00 03 00 03 01  03 00 01 03 00 01 03 00 00 00 00 00 00 00
# names of raw bytes with format braces and a NUL
seed $bf raw-names 01 05 7b 7d 7b 30 7d  00 01 03 00 7b 0a 03  03 01 03 00 7b 0a  07 01 02 7d 00
ramp $bf ramp-256 256
