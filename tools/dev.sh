#!/usr/bin/env bash
# grhost's developer entry point.
#
#   tools/dev.sh deps        install Debian packages (tools/debian-packages.txt)
#   tools/dev.sh build       configure and build into build/ (Ninja, ccache)
#   tools/dev.sh test        deps + build + every test (ctest)
#   tools/dev.sh quickstart  deps + build + the reference zoo + the quick-start experiment
#
# Run as root, or as a user with sudo for the package step.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${GRHOST_BUILD_DIR:-$ROOT/build}
JOBS=${GRHOST_JOBS:-$(nproc)}
# Paths inside the checkout hash as relative ones: another clone (CI's) hits the same cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

deps() {
  mapfile -t pkgs < <(grep -v '^\s*#' tools/debian-packages.txt | grep -v '^\s*$')
  # Skip apt entirely when everything is there: reruns stay fast and offline.
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  # The report's charting library and the browser test's driver, from the
  # npm registry, pinned by tools/report/package-lock.json. Node.js and npm
  # come from Debian where the machine has none of its own.
  if ! command -v npm >/dev/null 2>&1; then
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
  fi
  if [ ! -f tools/report/node_modules/.package-lock.json ] ||
     [ tools/report/package-lock.json -nt tools/report/node_modules/.package-lock.json ]; then
    (cd tools/report && npm ci --no-audit --no-fund)
  fi
}

# With a target, only it (and what it needs): the quick start builds no test.
build() {
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD" -j "$JOBS" ${1:+--target "$1"}
}

run_tests() {
  ctest --test-dir "$BUILD" -j "$JOBS" --output-on-failure --timeout 600
}

quickstart() {
  # The reference zoo, trained once on Fashion-MNIST (a rerun finds it cached).
  "$BUILD/bin/grhost-zoo" "$ROOT/data/zoo" --threads "$JOBS"
  "$BUILD/bin/grhost" run configs/quickstart.yaml
  echo "results: $ROOT/runs/quickstart/results.csv"
  echo "report:  $ROOT/runs/quickstart/report.html"
}

case "${1:-}" in
  deps) deps ;;
  build) build ;;
  test) deps; build; run_tests ;;
  quickstart) deps; build grhost_runtime; quickstart ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac
