#!/usr/bin/env bash
# Regenerates docs/CONTROL_PLANE.md and the machine graphs it shows
# (docs/control_plane/*.svg) from the reference control plane's model.
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
build/default/cli/unwedge check-model --control-plane postgres --out "$work" \
  --markdown docs/CONTROL_PLANE.md --graphs-dir control_plane >/dev/null
mkdir -p docs/control_plane
for dot_file in "$work"/machines/*.dot; do
  name=$(basename "$dot_file" .dot)
  dot -Tsvg "$dot_file" -o "docs/control_plane/$name.svg"
done
echo "wrote docs/CONTROL_PLANE.md and docs/control_plane/*.svg"
