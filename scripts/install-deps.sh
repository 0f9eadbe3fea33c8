#!/usr/bin/env bash
# Installs the Debian 12 packages unwedge builds with, skipping any that are
# already present, so a second run costs nothing and needs no network.
#
#   scripts/install-deps.sh                  # what building and running need
#   scripts/install-deps.sh --tests          # and what the test suite needs
#   scripts/install-deps.sh [--tests] --check  # only list what is missing; exit 1 if any
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14 clang-format-14 libclang-rt-14-dev llvm-14
  libboost-graph-dev librapidcheck-dev libfmt-dev libbenchmark-dev
  libgtest-dev libgmock-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev
  pkg-config libgraphviz-dev libsqlite3-dev libpq-dev
)
tests=false
check=false
for argument in "$@"; do
  case "$argument" in
    --tests) tests=true ;;
    --check) check=true ;;
    *)
      echo "scripts/install-deps.sh: unknown argument '$argument'; use --tests and/or --check" >&2
      exit 2
      ;;
  esac
done
if $tests; then
  # junit.xml is checked against its schema by xmllint; report.html is
  # opened in a headless browser. The PostgreSQL store's tests start a
  # throwaway cluster of their own (tests/support/postgres_cluster.sh) with
  # the server's binaries; the package's own cluster is never used.
  packages+=(libxml2-utils chromium postgresql-15)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if $check; then
  echo "missing packages: ${missing[*]}"
  exit 1
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# postgresql-15's postinst creates a "main" cluster and asks invoke-rc.d to
# start it. In a container with no init running (CI, a fresh Debian 12
# image) there is nothing to start it with: a policy-rc.d that refuses every
# start, present only while apt runs, keeps the install from trying. Where
# an init runs (a developer's machine) the package behaves as it always does.
policy=/usr/sbin/policy-rc.d
made_policy=false
if [[ " ${missing[*]} " == *" postgresql-15 "* && ! -d /run/systemd/system && ! -e $policy ]]; then
  printf '#!/bin/sh\n# scripts/install-deps.sh: no services start while it installs\nexit 101\n' |
    "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 0755 "$policy"
  made_policy=true
  trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
fi
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
if $made_policy; then
  "${sudo_cmd[@]}" rm -f "$policy"
  trap - EXIT
fi
