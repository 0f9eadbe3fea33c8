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

# Only what this script writes: the text corpora (scenario_parser_fuzzer,
# report_json_fuzzer) are files copied in by hand.
rm -rf corpus/{model_check,decision_table,canary,builder,fleet,action}_fuzzer crashes/canary_fuzzer

# --- model_check_fuzzer: machine (generators.hpp), then source, target, waypoint,
# how many shortest counterexamples to ask for (1-4; past the end of a seed: 1).
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
# 4100 bulk states (one more than the 4096 a machine holds, read from two
# bytes: 1 + 0x1003) and an undeclared initial state; 17 bulk signals
seed $bf too-many 03 00  05 10 03  03 03 00  07  03 00  01 10  07
# empty machine name, an empty state name, a negative dwell, a duplicate
# state, a self-loop, an unknown terminal; a table with an empty name, a
# duplicate signal and a rule with g0 in both when and unless
seed $bf mistakes 00  00 00 00  00 03 00 04 ff ff ff ff ff ff ff ff  06 00 \
  02 03 00 03 00 03 00  04 03 03  07 \
  00  00 03 03 00 03 00 03 01  03 00 01 03 00 01 03 00 00 00 00 00 00 00
# names of raw bytes with format braces and a NUL
seed $bf raw-names 01 05 7b 7d 7b 30 7d  00 01 03 00 7b 0a 03  03 01 03 00 7b 0a  07 01 02 7d 00
ramp $bf ramp-256 256

# --- fleet_fuzzer: the version byte (01 or 02), then FuzzedDataProvider's reads
# (sim/scenario_from_bytes.hpp): integers from the end of the bytes. The
# decoded stories: `unwedge fuzz-to-scenario fuzz/corpus/fleet_fuzzer/NAME`.
ff=corpus/fleet_fuzzer
# nothing after the version: one single-server service, one quiet minute
seed $ff quiet-minute 01
# two services, five faults in four minutes
seed $ff two-services 01 e7 ee e7 61 5e f3 5f 30 e4 9b 48 2e 15 ca e7 50 07 20 1e 12 61 7b 0f ed a7 \
  e1 64 77 96 ff 02 2b ea 8e d0 2a 82 a1 75 93
# two services, twelve faults (the cap) in nine minutes
seed $ff long-story 01 0f 23 37 cd 37 94 c5 22 08 00 6d 6b 1a f0 c0 cb d6 25 65 8a ac 2c 9f aa 07 \
  d1 3c 44 7e 33 05 1e ee f9 5a 60 e5 61 43 d6 c4 3b ca d7 6c 00 8a 9b 0a 6b 5f c9 33 15 4a 6d e2 \
  84 04 a8 97 c5 25 26 2e 6a 7c 07 bc be e8 41 f7 45 c5 5d 4e 9f 74 7f 61 51 64 c6 f7 28 d7 18 35 \
  37 13 82 7a c8 83 d7 fb 96 59 23 40 74 f5 25 8f 6c 68 08 23 89 d2 e4 7f 1e 17 5a 90 bc 43 2f
# two services, eight faults and three operator requests in thirteen minutes
seed $ff with-operators 01 13 31 55 22 b0 a7 d4 ed db e0 a4 e1 48 d3 c8 20 d4 92 4b 64 48 9e 6c \
  6a 34 32 c6 21 86 be 14 20 30 6f 0f 4a 7f 7d 8c 4d f5 29 a8 86 d5 11 82 2b 3f 9d ca 8b 4e fa \
  f0 62 8e 5f cd 6e 8b d3 f8 d7 84 21 b4 c2 1c 28 e2 de 40 3e ba fc 6a 0d c8 c2 7d 84 e3 4d 1e \
  91 3a 1d ff e5
# version 2 (02) starts late: the same reads, on a fleet provisioned for 20
# quiet minutes, then 10 s to 5 min of faults.
# nothing after the version: one single-server service, ten quiet seconds
seed $ff late-quiet 02
# two services, faults on them once they are up
seed $ff late-two-services 02 e7 ee e7 61 5e f3 5f 30 e4 9b 48 2e 15 ca e7 50 07 20 1e 12 61 7b 0f \
  ed a7 e1 64 77 96 ff 02 2b ea 8e d0 2a 82 a1 75 93
# two services, faults and operator requests once they are up
seed $ff late-with-operators 02 13 31 55 22 b0 a7 d4 ed db e0 a4 e1 48 d3 c8 20 d4 92 4b 64 48 9e \
  6c 6a 34 32 c6 21 86 be 14 20 30 6f 0f 4a 7f 7d 8c 4d f5 29 a8 86 d5 11 82 2b 3f 9d ca 8b 4e \
  fa f0 62 8e 5f cd 6e 8b d3 f8 d7 84 21 b4 c2 1c 28 e2 de 40 3e ba fc 6a 0d c8 c2 7d 84 e3 4d \
  1e 91 3a 1d ff e5
# another version: refused (the target returns -1)
seed $ff version-3 03 00 01

# --- action_fuzzer: FuzzedDataProvider's reads (action_fuzzer.cpp): the
# store's shape and states, check-ins, the started action and the fleet
# API's answers. Any bytes are a case.
af=corpus/action_fuzzer
# the low end of every range: a single-server service, every entity in its
# first state, nothing decided
seed $af zeros 00
ramp $af ramp-256 256
seed $af mixed-a b9 46 e6 a9 47 11 09 f3 b7 9f 11 0a 26 f6 22 9f a3 45 25 26 e7 bc 16 42 ae b4 2b \
  f2 27 d5 0f ff 07 c3 c2 06 24 29 2e 3b 83 d5 a9 c6 ea e1 ec 2a 0f 9e 2c f6 0b 75 39 fe f8 82 05 bc
seed $af mixed-b 9a 49 67 56 af e2 ff 7b a7 cf 80 65 dc 66 6d c4 70 a2 6b 45 44 fe b3 14 20 8d 56 \
  39 e6 f1 8c 6d d3 c3 fc a1 e7 a4 26 10 8e 15 8f b5 9e 09 45 cf e8 61 0c 88 79 48 18 3b e4 37 bc \
  27 65 66 f3 83 5b 05 f1 12 5b 73 8b b1 51 c9 72 2c d2 c6 42 e6 e8 64 03 c0 af ed a7 68 32 3f 6d \
  7c c7 2c 9e a4 86 08 b2 2a 13 e1 af d7 8c f9 0e 6f 20 db 11 58 ab 47 f0 4c e1 fc 2c 71 e0 94 54 \
  83 9f c3 6a 9b 48 8b fe 66 d2 3a 02 c1 0e 16 cd 3e fb 2f 55 21 ea d3 ce 89 7e f2
