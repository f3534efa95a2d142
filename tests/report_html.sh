#!/usr/bin/env bash
# Renders the postmortem HTML in headless Chromium, offline, and checks that the
# charts and the timeline are present in what the browser built (--dump-dom) and
# that a screenshot was drawn. Installs Debian's chromium if it is missing (about
# two minutes); skips, loudly, only when there is neither chromium nor apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

source tests/chromium.sh

out="$PWD/target/report-html"
rm -rf "$out"
mkdir -p "$out"
cargo run --release --quiet -- run models/baseline.toml --scale 0.1 --out "$out/run" > /dev/null
# A recorded incident log, so the timeline and the dashboard carry incidents too.
cat > "$out/run/incidents.csv" << 'CSV'
t_s,kind,component,detail
120,fault_start,database,primary failover
150,alert_firing,app,HoldLatencyHigh
200,action,app,scale out to 20 servers
360,fault_end,database,primary failover
400,alert_resolved,app,HoldLatencyHigh
CSV
cargo run --release --quiet -- report "$out/run" > /dev/null

html="$out/run/postmortem.html"
if grep -Eq 'src=|href=|url\(|@import|<script|<link' "$html"; then
  echo "FAIL: $html refers to an external resource"
  exit 1
fi

# Chromium flags for a closed network and a root user; a fresh profile each run.
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars "$@" 2> "$out/chromium.log"
}
start=$(date +%s)
chrome --dump-dom "file://$html" | tr '\n' ' ' > "$out/dom.html"
chrome --window-size=1280,2400 --screenshot="$out/postmortem.png" "file://$html" > /dev/null
echo "chromium rendered the postmortem in $(($(date +%s) - start)) s"

failures=0
check() { # check DESCRIPTION PATTERN: the rendered DOM must match PATTERN
  if grep -Eq "$2" "$out/dom.html"; then
    echo "ok    $1"
  else
    echo "FAIL  $1 (no /$2/ in $out/dom.html)"
    failures=$((failures + 1))
  fi
}
check "timeline table" '<table id="timeline">'
check "timeline entries in T+mm:ss" '<td>T\+0[0-9]:[0-9]{2}</td>'
check "recorded incidents on the timeline" 'Alert firing.*HoldLatencyHigh|HoldLatencyHigh'
check "derived events on the timeline" 'Sale opens'
check "dashboard embedded as inline SVG" '<figure id="dashboard">[[:space:]]*<svg'
check "chart axis labels drawn as text" 'busy fraction'
check "impact table" '<table id="impact">'
check "contributing factors" 'Retry amplification'
size=$(stat -c %s "$out/postmortem.png" 2> /dev/null || echo 0)
if [ "$size" -gt 100000 ]; then
  echo "ok    screenshot drawn ($size bytes, $out/postmortem.png)"
else
  echo "FAIL  screenshot missing or blank ($size bytes)"
  failures=$((failures + 1))
fi
if [ "$failures" -ne 0 ]; then
  echo "report_html: $failures check(s) failed; chromium log in $out/chromium.log"
  exit 1
fi
echo "report_html: all checks passed"
