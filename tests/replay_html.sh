#!/usr/bin/env bash
# Plays replay.html of models/db-failover.toml back in headless Chromium, offline:
# seeking with #t=600 puts the clock at T+10m00s and every panel's data at that
# second (checked against timeseries.csv), the timeline lists the incidents up to
# then and none after, and a hash changed after load seeks too; drill mode stops
# at the run's first alert (checked against incidents.csv), a drill answered as
# the runbook did scores 100%, one that only waits has no right choice, and one
# clicked through (an action a minute before the runbook's) scores 94%.
# Installs Debian's chromium if it is missing; skips, loudly, only when there is
# neither chromium nor apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

source tests/chromium.sh

out="$PWD/target/replay-html"
rm -rf "$out"
mkdir -p "$out"
cargo run --release --quiet -- run models/db-failover.toml --scale 0.1 --out "$out/run" > /dev/null
html="$out/run/replay.html"
page="file://$html"

# Chromium flags for a closed network and a root user; a fresh profile each run.
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars "$@" 2>> "$out/chromium.log"
}
# dom NAME FRAGMENT BUDGET_MS: the DOM after BUDGET_MS of virtual time, on one line.
dom() {
  chrome --virtual-time-budget="$3" --dump-dom "$page#$2" | tr '\n' ' ' > "$out/$1.html"
}
start=$(date +%s)
dom seek 't=600' 3000
action_t=$(awk -F, '$2 == "action" { printf "%d", $1; exit }' "$out/run/incidents.csv")
dom before "t=$((action_t - 1))" 3000
dom drill 'drill&speed=600&play' 20000
dom runbook 'drill&speed=600&play&answer=runbook' 30000
dom wait 'drill&speed=600&play&answer=wait' 30000
# A hash changed after load seeks too: a page next to the replay frames it at
# #t=100, sets the frame's hash to t=600 and copies both clocks into its own DOM.
cat > "$out/run/hashchange.html" << 'HTML'
<!DOCTYPE html><html><body><iframe id="replay" src="replay.html#t=100"></iframe><p id="clocks"></p>
<script>
var frame = document.getElementById("replay");
function clock() { return frame.contentWindow.document.getElementById("clock").textContent; }
frame.addEventListener("load", function () {
  var before = clock();
  frame.contentWindow.location.hash = "t=600";
  setTimeout(function () {
    document.getElementById("clocks").textContent = "before " + before + " after " + clock();
  }, 500);
});
</script></body></html>
HTML
chrome --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom "file://$out/run/hashchange.html" |
  tr '\n' ' ' > "$out/hashchange.html"
# A trainee through the buttons: at the alert, scale_outflow "in 1 min", read the
# reveal, continue to the end and read the score (the runbook acted after 2 min).
cat > "$out/run/trainee.html" << 'HTML'
<!DOCTYPE html><html><body><iframe id="replay" src="replay.html#drill&speed=600&play"></iframe><p id="result"></p>
<script>
var frame = document.getElementById("replay");
var result = document.getElementById("result");
frame.addEventListener("load", function () {
  var step = 0;
  var timer = setInterval(function () {
    var page = frame.contentWindow.document;
    var choice = page.querySelector('button[data-choice="scale_outflow 0.5"]');
    if (step === 0 && choice) {
      page.getElementById("drill-when").value = "60";
      choice.click();
      step = 1;
    } else if (step === 1 && page.querySelector("button[data-continue]")) {
      result.setAttribute("data-reveal", page.getElementById("drill-reveal").textContent);
      page.querySelector("button[data-continue]").click();
      step = 2;
    } else if (step === 2 && page.getElementById("drill-score")) {
      result.setAttribute("data-score", page.getElementById("drill-score").getAttribute("data-score"));
      result.textContent = page.getElementById("drill-result").textContent;
      clearInterval(timer);
    }
  }, 200);
});
</script></body></html>
HTML
chrome --allow-file-access-from-files --virtual-time-budget=30000 --dump-dom "file://$out/run/trainee.html" |
  tr '\n' ' ' > "$out/trainee.html"
chrome --virtual-time-budget=3000 --window-size=1400,1000 --screenshot="$out/replay.png" "$page#t=600" > /dev/null
echo "chromium played the replay in $(($(date +%s) - start)) s"

failures=0
clock() { # clock SECONDS: the page's clock, T+4m31s (under an hour)
  printf 'T+%dm%02ds' $(($1 / 60)) $(($1 % 60))
}
label() { # label SECONDS: the same as a pattern
  clock "$1" | sed 's/+/\\+/'
}
check() { # check DESCRIPTION FILE PATTERN: the rendered DOM in FILE must match PATTERN
  if grep -Eq "$3" "$out/$2.html"; then
    echo "ok    $1"
  else
    echo "FAIL  $1 (no /$3/ in $out/$2.html)"
    failures=$((failures + 1))
  fi
}
refute() { # refute DESCRIPTION FILE PATTERN: the rendered DOM in FILE must not match PATTERN
  if grep -Eq "$3" "$out/$2.html"; then
    echo "FAIL  $1 (/$3/ found in $out/$2.html)"
    failures=$((failures + 1))
  else
    echo "ok    $1"
  fi
}
# The value of COLUMN at t_s = 600 in timeseries.csv, as the page writes it (a whole
# number exactly, else four significant digits).
at600() {
  python3 - "$out/run/timeseries.csv" "$1" << 'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if float(row["t_s"]) == 600:
        v = float(row[sys.argv[2]])
        print(int(v) if v == int(v) else float(f"{v:.3e}"))
PY
}

if grep -Eq 'src=|href=|url\(|@import|<link|https://' "$html"; then
  echo "FAIL  $html refers to an external resource"
  failures=$((failures + 1))
fi
check "clock at T+10m00s after #t=600" seek 'id="clock"[^>]*>T\+10m00s<'
for panel in waiting-room inventory errors latency utilisation; do
  check "panel $panel drawn up to 600 s" seek "id=\"panel-$panel\"[^>]*data-upto=\"600\""
done
check "waiting room shows timeseries.csv's value at 600 s" seek \
  "id=\"panel-waiting-room\"[^>]*data-last=\"$(at600 waiting_room_entries)\""
check "inventory shows timeseries.csv's value at 600 s" seek \
  "id=\"panel-inventory\"[^>]*data-last=\"$(at600 inventory_left)\""
check "latency shows timeseries.csv's value at 600 s" seek \
  "id=\"panel-latency\"[^>]*data-last=\"$(at600 event_page_p99_s)\""
check "a hash changed after load seeks (#t=100, then #t=600)" hashchange 'before T\+1m40s after T\+10m00s'
check "panels drawn as inline SVG paths" seek '<path [^>]*d="M[0-9]'
check "timeline has the runbook's action at $(clock "$action_t")" seek \
  "data-kind=\"action\"[^>]*><time>$(label "$action_t")</time>"
# A second before the runbook acted, the action is not on the timeline yet.
check "timeline a second before the action: the alert" before 'data-kind="alert_firing"'
refute "timeline a second before the action: no action yet" before 'data-kind="action"'

# The first alert of the run, from incidents.csv: name and second.
alert=$(awk -F, '$2 == "alert_firing" { print $4; exit }' "$out/run/incidents.csv")
alert_t=$(awk -F, '$2 == "alert_firing" { printf "%d", $1; exit }' "$out/run/incidents.csv")
if [ -z "$alert" ]; then
  echo "FAIL  models/db-failover.toml (scale 0.1, seed 1) fired no alert: incidents.csv has none"
  failures=$((failures + 1))
fi
check "drill stops at the first alert ($alert at $alert_t s)" drill \
  "id=\"drill-prompt\" data-alert=\"$alert\" data-t=\"$alert_t\""
check "drill asks what to do, offering the runbook's action and wait" drill \
  'What would you do\?.*data-choice="scale_outflow 0.5".*data-choice="wait"'
check "timeline has the alert at $(clock "$alert_t")" seek \
  "data-kind=\"alert_firing\"[^>]*><time>$(label "$alert_t")</time>"
check "drill clock paused at the alert" drill "id=\"clock\"[^>]*>$(label "$alert_t")<"
check "answered as the runbook, the drill scores 100%" runbook 'id="drill-score" data-score="100" data-choices="1/1"'
check "waiting instead of acting is no right choice" wait 'id="drill-score" data-score="[0-9]+" data-choices="0/1"'
check "after an answer, the drill shows what the runbook did and when" trainee \
  "data-reveal=\"The runbook: scale_outflow 0.5 at $(label "$action_t"), 2 min after the alert.\""
# Right choice (1) and 60 s early: timing (300 - 60) / (300 - 30) = 0.89; (1 + 0.89) / 2 = 94%.
check "a trainee who clicks through scores choice and timing" trainee \
  'data-score="94">Drill score: 94% — 1 of 1 choices as the runbook.*1 min early \(89%\)'
size=$(stat -c %s "$out/replay.png" 2> /dev/null || echo 0)
if [ "$size" -gt 50000 ]; then
  echo "ok    screenshot drawn ($size bytes, $out/replay.png)"
else
  echo "FAIL  screenshot missing or blank ($size bytes)"
  failures=$((failures + 1))
fi
if [ "$failures" -ne 0 ]; then
  echo "replay_html: $failures check(s) failed; chromium log in $out/chromium.log"
  exit 1
fi
echo "replay_html: all checks passed ($(stat -c %s "$html") bytes)"
