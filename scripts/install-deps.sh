#!/usr/bin/env bash
# Installs the Debian 12 packages unwedge builds with, skipping any that are
# already present, so a second run costs nothing and needs no network.
#
#   scripts/install-deps.sh          # install what is missing
#   scripts/install-deps.sh --check  # only list what is missing; exit 1 if any
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14 clang-format-14 libclang-rt-14-dev llvm-14
  libboost-graph-dev librapidcheck-dev libfmt-dev libbenchmark-dev
  libgtest-dev libgmock-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev
  pkg-config libgraphviz-dev libxml2-utils
  # Tests only: junit.xml is checked against its schema by xmllint (above),
  # report.html is opened in a headless browser.
  chromium
)

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

if [[ "${1:-}" == "--check" ]]; then
  echo "missing packages: ${missing[*]}"
  exit 1
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
