#!/bin/sh
# Takes a PNG screenshot of a tophash HTML page with headless Chromium (no network needed).
#
#   reports/screenshot.sh [page.html] [out.png] [width] [height]
#
# Defaults: the sample report that `mvn -pl reports test` writes (reports/target/sample-report/
# report.html) into reports/target/report.png at 1400x2400. The compare sample is
# reports/target/sample-compare.html. Chromium: $TOPHASH_CHROMIUM, else chromium on the PATH
# (Debian: apt-get install chromium).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
page=${1:-$here/target/sample-report/report.html}
out=${2:-$here/target/report.png}
width=${3:-1400}
height=${4:-2400}
browser=${TOPHASH_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
  echo "screenshot.sh: chromium not found (apt-get install chromium, or set TOPHASH_CHROMIUM)" >&2
  exit 2
fi
if [ ! -f "$page" ]; then
  echo "screenshot.sh: $page: no such file (run: mvn -pl reports test, or pass a report.html)" >&2
  exit 2
fi
case "$page" in /*) ;; *) page=$(pwd)/$page ;; esac
case "$out" in /*) ;; *) out=$(pwd)/$out ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --virtual-time-budget=5000 \
  --window-size="$width,$height" --screenshot="$out" "file://$page" >/dev/null 2>&1
echo "$out"
