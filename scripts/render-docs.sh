#!/usr/bin/env bash
# Regenerates each bundled plane's document and the machine graphs it shows
# from the plane's model: docs/CONTROL_PLANE.md and docs/control_plane/*.svg
# for the reference plane, docs/LEASE_PLANE.md and docs/lease_plane/*.svg for
# the lease plane, docs/GOAL_PLANE.md and docs/goal_plane/*.svg for the goal
# plane.
# Needs Graphviz for the pictures; installs it if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${UNWEDGE_JOBS:-$(nproc)}"

scripts/install-deps.sh
if ! command -v dot >/dev/null; then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends graphviz
fi
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs" --target unwedge

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# render PLANE DOCUMENT GRAPHS_DIR
render() {
  rm -rf "$work/$1"
  build/default/cli/unwedge check-model --control-plane "$1" --out "$work/$1" \
    --markdown "docs/$2" --graphs-dir "$3" >/dev/null
  mkdir -p "docs/$3"
  for dot_file in "$work/$1"/machines/*.dot; do
    name=$(basename "$dot_file" .dot)
    dot -Tsvg "$dot_file" -o "docs/$3/$name.svg"
  done
  echo "wrote docs/$2 and docs/$3/*.svg"
}
render postgres CONTROL_PLANE.md control_plane
render lease LEASE_PLANE.md lease_plane
render goal GOAL_PLANE.md goal_plane
