// The replay player: reads the run embedded in #replay-data, draws each panel
// as inline SVG up to the clock, lists incidents as they happen, and runs drills.
// Plain JavaScript, no libraries, nothing fetched.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("replay-data").textContent);
  var SERIES = DATA.series;
  var T = SERIES.t;
  var N = T.length;
  var SVG_NS = "http://www.w3.org/2000/svg";
  // Tableau 10, as the dashboard's palette.
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var MARKERS = {
    alert_firing: "#e67800", alert_resolved: "#78aa3c", action: "#1f77b4",
    breaker: "#9467bd", sold_out: "#000000", recovery: "#17aabe", slo_breach: "#c80000"
  };
  var SPEEDS = [1, 10, 60, 600];
  var TICK_MS = 100;
  // Timing of a drill answer: full marks within 30 s of the runbook, none from 5 min.
  var ON_TIME_S = 30;
  var TOO_FAR_S = 300;
  var DELAYS_S = [0, 30, 60, 120, 300, 600];

  var start = N ? T[0] : 0;
  var end = N ? T[N - 1] : 0;
  var state = { clock: start, playing: false, speed: 60 };
  var drill = { on: false, next: 0, answers: [], auto: null, prompting: -1, done: false };
  var alerts = DATA.drill.alerts;

  // ---- time --------------------------------------------------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // T+10m00s, T-29m59s, T+1h02m03s: seconds since the opening, whole seconds down.
  function clockLabel(seconds) {
    var whole = Math.floor(seconds);
    var sign = whole < 0 ? "-" : "+";
    var m = Math.abs(whole);
    var h = Math.floor(m / 3600);
    var min = Math.floor(m / 60) % 60;
    var s = m % 60;
    return "T" + sign + (h > 0 ? h + "h" + pad(min) : String(min)) + "m" + pad(s) + "s";
  }
  // Axis ticks: T+0, T+10m, T-30m, T+1h, T+1h30m.
  function tickLabel(seconds) {
    if (seconds === 0) { return "T+0"; }
    var sign = seconds < 0 ? "-" : "+";
    var m = Math.round(Math.abs(seconds) / 60);
    var h = Math.floor(m / 60);
    var rest = m % 60;
    if (h === 0) { return "T" + sign + rest + "m"; }
    return "T" + sign + h + "h" + (rest ? pad(rest) + "m" : "");
  }
  function span(seconds) {
    var s = Math.round(Math.abs(seconds));
    if (s < 60) { return s + " s"; }
    return Math.floor(s / 60) + " min" + (s % 60 ? " " + pad(s % 60) + " s" : "");
  }
  // Index of the last point at or before t, -1 if none.
  function indexAt(t) {
    var lo = 0, hi = N - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (T[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  // ---- numbers -------------------------------------------------------------
  function niceCeil(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v * 0.999999) { return steps[i] * p; } }
    return 10 * p;
  }
  function short(v) {
    if (v === null || v === undefined || !isFinite(v)) { return "–"; }
    var a = Math.abs(v);
    if (a >= 1e6) { return +(v / 1e6).toFixed(2) + "M"; }
    if (a >= 1e4) { return +(v / 1e3).toFixed(1) + "k"; }
    if (a >= 100 || v === Math.round(v)) { return String(Math.round(v)); }
    if (a >= 1) { return +v.toFixed(2) + ""; }
    return +v.toPrecision(2) + "";
  }
  function seconds(v) {
    if (v === null || !isFinite(v)) { return "–"; }
    return v < 1 ? Math.round(v * 1000) + " ms" : +v.toFixed(2) + " s";
  }

  // ---- panels --------------------------------------------------------------
  var W = 640, H = 170, ML = 54, MR = 18, MT = 8, MB = 22;
  var PW = W - ML - MR, PH = H - MT - MB;
  function x(t) { return ML + (end > start ? (t - start) / (end - start) : 0) * PW; }
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG_NS, name);
    for (var key in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, key)) { node.setAttribute(key, attrs[key]); } }
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function text(parent, x0, y0, words, anchor) {
    var node = el("text", { x: x0, y: y0, "font-size": 10, fill: "#555", "text-anchor": anchor || "middle" }, parent);
    node.textContent = words;
    return node;
  }
  function timeTicks(parent) {
    var candidates = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
    var step = candidates[candidates.length - 1];
    for (var i = 0; i < candidates.length; i++) { if ((end - start) / candidates[i] <= 9) { step = candidates[i]; break; } }
    for (var t = Math.ceil(start / step) * step; t <= end; t += step) {
      el("line", { x1: x(t), x2: x(t), y1: MT, y2: MT + PH, stroke: t === 0 ? "#999" : "#eee" }, parent);
      // The last label would spill past the edge: it ends at its tick instead.
      text(parent, x(t), H - 6, tickLabel(t), x(t) > W - 24 ? "end" : "middle");
    }
  }
  var panels = SERIES.panels.map(function (spec) {
    var section = document.createElement("section");
    section.className = "panel";
    section.id = "panel-" + spec.id;
    var title = document.createElement("h2");
    title.textContent = spec.title + " ";
    var unit = document.createElement("span");
    unit.className = "unit";
    unit.textContent = "(" + spec.unit + ")";
    title.appendChild(unit);
    section.appendChild(title);
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": spec.title });
    section.appendChild(svg);
    var readout = document.createElement("div");
    readout.className = "readout";
    section.appendChild(readout);
    document.getElementById("panels").appendChild(section);
    el("rect", { x: ML, y: MT, width: PW, height: PH, fill: "#fff", stroke: "#ccc" }, svg);
    timeTicks(svg);
    var windows = el("g", {}, svg);
    var yAxis = el("g", {}, svg);
    var markers = el("g", {}, svg);
    var paths = spec.lines.map(function (line) {
      return el("path", { fill: "none", stroke: PALETTE[line.color % PALETTE.length], "stroke-width": spec.log ? 1.6 : 1.8, "stroke-linejoin": "round" }, svg);
    });
    var cursor = el("line", { y1: MT, y2: MT + PH, stroke: "#000", "stroke-width": 1, "stroke-dasharray": "3 2" }, svg);
    // Running top of the data, so the axis grows with what has been shown and
    // never reveals the peak to come.
    var top = new Array(N);
    var bottom = new Array(N);
    var high = 0, low = Infinity;
    for (var i = 0; i < N; i++) {
      for (var j = 0; j < spec.lines.length; j++) {
        var v = spec.lines[j].values[i];
        if (v !== null && v > high) { high = v; }
        if (v !== null && v > 0 && v < low) { low = v; }
      }
      top[i] = high;
      bottom[i] = low;
    }
    return { spec: spec, section: section, svg: svg, readout: readout, windows: windows, yAxis: yAxis,
      markers: markers, paths: paths, cursor: cursor, top: top, bottom: bottom, scaleKey: "" };
  });

  function yScale(panel, index) {
    var spec = panel.spec;
    if (spec.log) {
      var hi = index >= 0 ? panel.top[index] : 1;
      var lo = index >= 0 ? panel.bottom[index] : 0.01;
      var top = Math.pow(10, Math.max(0, Math.ceil(Math.log10(Math.max(hi, 1e-9)))));
      var floor = Math.pow(10, Math.min(-2, Math.floor(Math.log10(isFinite(lo) ? lo : 0.01))));
      floor = Math.max(floor, 1e-4);
      var a = Math.log10(floor), b = Math.log10(top);
      return { key: floor + ":" + top, lo: floor, hi: top, y: function (v) {
        return MT + PH - (Math.log10(Math.max(v, floor)) - a) / (b - a) * PH; } };
    }
    var max = spec.max !== null ? spec.max : niceCeil(index >= 0 ? panel.top[index] : 0);
    return { key: String(max), lo: 0, hi: max, y: function (v) { return MT + PH - v / max * PH; } };
  }
  function drawYAxis(panel, scale) {
    var g = panel.yAxis;
    while (g.firstChild) { g.removeChild(g.firstChild); }
    var ticks = [];
    if (panel.spec.log) {
      for (var d = scale.lo; d <= scale.hi * 1.0001; d *= 10) { ticks.push(d); }
    } else {
      ticks = [0, scale.hi / 2, scale.hi];
    }
    ticks.forEach(function (v) {
      var y = scale.y(v);
      el("line", { x1: ML, x2: ML + PW, y1: y, y2: y, stroke: "#eee" }, g);
      text(g, ML - 4, y + 3, format(panel.spec, v), "end");
    });
  }
  function drawPanel(panel, index, clock) {
    var scale = yScale(panel, index);
    if (scale.key !== panel.scaleKey) { drawYAxis(panel, scale); panel.scaleKey = scale.key; }
    var skipZero = panel.spec.log;
    panel.spec.lines.forEach(function (line, j) {
      var d = [];
      var pen = false;
      for (var i = 0; i <= index; i++) {
        var v = line.values[i];
        if (v === null || (skipZero && !(v > 0))) { pen = false; continue; }
        d.push((pen ? "L" : "M") + x(T[i]).toFixed(1) + " " + scale.y(v).toFixed(1));
        pen = true;
      }
      panel.paths[j].setAttribute("d", d.join(""));
    });
    var cx = x(Math.max(start, Math.min(end, clock)));
    panel.cursor.setAttribute("x1", cx);
    panel.cursor.setAttribute("x2", cx);
    var upto = index >= 0 ? T[index] : "";
    panel.section.setAttribute("data-upto", upto);
    panel.section.setAttribute("data-last", index >= 0 ? json(panel.spec.lines[0].values[index]) : "");
    var parts = panel.spec.lines.map(function (line) {
      var v = index >= 0 ? line.values[index] : null;
      return "<span><i class=\"swatch\" style=\"background:" + PALETTE[line.color % PALETTE.length] + "\"></i>" +
        escapeHtml(line.label) + ": <b>" + format(panel.spec, v) + "</b></span>";
    });
    panel.readout.innerHTML = parts.join("");
  }
  // Latency in ms or s (none measured: a dash), fractions of 1 as percentages, counts shortened.
  function format(spec, v) {
    if (spec.log) { return v > 0 ? seconds(v) : "–"; }
    if (spec.max === 1) { return v === null ? "–" : Math.round(v * 100) + "%"; }
    return short(v);
  }
  function json(v) { return v === null ? "null" : String(v); }
  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // Fault windows shaded and other incidents marked, up to the clock.
  var incidents = DATA.incidents;
  var faults = [];
  incidents.forEach(function (incident, i) {
    if (incident.kind !== "fault_start") { return; }
    var close = null;
    for (var k = i + 1; k < incidents.length; k++) {
      var e = incidents[k];
      if (e.kind === "fault_end" && e.component === incident.component && e.detail === incident.detail) { close = e.t; break; }
    }
    faults.push({ from: incident.t, to: close === null ? end : close });
  });
  function drawIncidents(panel, clock) {
    [panel.windows, panel.markers].forEach(function (g) { while (g.firstChild) { g.removeChild(g.firstChild); } });
    faults.forEach(function (f) {
      if (f.from > clock) { return; }
      var to = Math.min(f.to, clock);
      el("rect", { x: x(f.from), y: MT, width: Math.max(1, x(to) - x(f.from)), height: PH, fill: "#d62728", "fill-opacity": 0.12 }, panel.windows);
    });
    incidents.forEach(function (incident) {
      var color = MARKERS[incident.kind];
      if (!color || incident.t > clock) { return; }
      el("line", { x1: x(incident.t), x2: x(incident.t), y1: MT, y2: MT + PH, stroke: color, "stroke-width": 1.5, "stroke-opacity": 0.8 }, panel.markers);
    });
    drill.answers.forEach(function (answer) {
      if (!answer || answer.choice === "wait" || answer.t > clock) { return; }
      el("line", { x1: x(answer.t), x2: x(answer.t), y1: MT, y2: MT + PH, stroke: "#e67800", "stroke-width": 1.5, "stroke-dasharray": "4 3" }, panel.markers);
    });
  }

  // ---- timeline ------------------------------------------------------------
  var timeline = document.getElementById("timeline");
  var timelineKey = "";
  function drawTimeline(clock) {
    var entries = incidents.filter(function (incident) { return incident.t <= clock; }).map(function (incident) {
      return { t: incident.t, kind: incident.kind, text: incident.title + (incident.component ? " — " + incident.component : "") + (incident.detail ? ": " + incident.detail : ""), trainee: false };
    });
    if (drill.on) {
      drill.answers.forEach(function (answer, i) {
        if (answer && answer.choice !== "wait" && answer.t <= clock) {
          entries.push({ t: answer.t, kind: "action", text: "You: " + answer.choice + " (for " + alerts[i].name + ")", trainee: true });
        }
      });
      entries.sort(function (a, b) { return a.t - b.t; });
    }
    var key = entries.length + ":" + drill.answers.length;
    timeline.setAttribute("data-upto", Math.floor(clock));
    if (key === timelineKey) { return; }
    timelineKey = key;
    timeline.innerHTML = entries.map(function (entry) {
      var color = MARKERS[entry.kind] || "#d62728";
      return "<li class=\"" + entry.kind.replace(/_/g, "-") + (entry.trainee ? " trainee" : "") +
        "\" data-t=\"" + entry.t + "\" data-kind=\"" + entry.kind + "\" style=\"border-left-color:" + color + "\"><time>" +
        clockLabel(entry.t) + "</time>" + escapeHtml(entry.text) + "</li>";
    }).join("") || "<li class=\"empty\">Nothing yet.</li>";
  }

  // ---- clock and controls ----------------------------------------------------
  var clockNode = document.getElementById("clock");
  var playButton = document.getElementById("play");
  var scrubber = document.getElementById("scrubber");
  scrubber.min = Math.floor(start);
  scrubber.max = Math.ceil(end);
  function render() {
    var clock = state.clock;
    clockNode.textContent = clockLabel(clock);
    clockNode.setAttribute("data-t", Math.floor(clock));
    scrubber.value = Math.floor(clock);
    var index = indexAt(clock);
    panels.forEach(function (panel) { drawPanel(panel, index, clock); drawIncidents(panel, clock); });
    drawTimeline(clock);
    playButton.textContent = state.playing ? "Pause" : "Play";
    playButton.setAttribute("aria-pressed", state.playing ? "true" : "false");
    Array.prototype.forEach.call(document.querySelectorAll("#speeds button"), function (b) {
      b.setAttribute("aria-pressed", Number(b.getAttribute("data-speed")) === state.speed ? "true" : "false");
    });
  }
  function seek(t) {
    state.clock = Math.max(start, Math.min(end, t));
    // Alerts before the new time are behind the trainee; the next one still asks.
    drill.next = 0;
    while (drill.next < alerts.length && alerts[drill.next].t < state.clock) { drill.next++; }
    if (drill.prompting >= 0) { drill.prompting = -1; drawDrill(); }
    render();
  }
  function play(on) {
    if (on && drill.prompting >= 0) { return; }
    if (on && state.clock >= end) { seek(start); }
    state.playing = on;
    render();
  }
  function setSpeed(speed) {
    if (SPEEDS.indexOf(speed) >= 0) { state.speed = speed; render(); }
  }
  function tick() {
    if (!state.playing) { return; }
    var next = state.clock + state.speed * TICK_MS / 1000;
    if (drill.on && drill.next < alerts.length && alerts[drill.next].t <= next) {
      state.clock = alerts[drill.next].t;
      ask(drill.next);
      return;
    }
    if (next >= end) {
      state.clock = end;
      state.playing = false;
      if (drill.on) { finish(); }
    } else {
      state.clock = next;
    }
    render();
  }
  playButton.addEventListener("click", function () { play(!state.playing); });
  Array.prototype.forEach.call(document.querySelectorAll("#speeds button"), function (b) {
    b.addEventListener("click", function () { setSpeed(Number(b.getAttribute("data-speed"))); });
  });
  scrubber.addEventListener("input", function () { seek(Number(scrubber.value)); });
  document.addEventListener("keydown", function (event) {
    if (event.key === " " && event.target === document.body) { event.preventDefault(); play(!state.playing); }
  });

  // ---- drill -----------------------------------------------------------------
  var drillBox = document.getElementById("drill");
  var drillToggle = document.getElementById("drill-toggle");
  var options = DATA.drill.options.concat(["wait"]);
  function gloss(action) {
    var words = action.split(" ");
    var amount = words[1];
    switch (words[0]) {
      case "scale_outflow": return "multiply the waiting room's outflow by " + amount;
      case "set_outflow": return "set the waiting room's outflow to " + amount + " per minute";
      case "add_app_servers": return "add " + amount + " app servers";
      case "enable_shedding": return "shed requests when the app queue holds more than " + amount;
      case "wait": return "do nothing yet";
      default: return "";
    }
  }
  function setDrill(on) {
    drill.on = on;
    drillToggle.setAttribute("aria-pressed", on ? "true" : "false");
    drillBox.className = on ? "on" : "";
    if (on) { drill.answers = []; drill.done = false; seek(state.clock); }
    drawDrill();
    render();
  }
  function runbookSays(alert) {
    if (!alert.runbook.length) { return "The runbook did nothing for this alert: waiting was right."; }
    return "The runbook: " + alert.runbook.map(function (step) {
      return "<b>" + escapeHtml(step.action) + "</b> at " + clockLabel(step.t) + ", " + span(step.t - alert.t) + " after the alert";
    }).join("; ") + ".";
  }
  function ask(index) {
    state.playing = false;
    drill.prompting = index;
    drill.next = index + 1;
    render();
    if (drill.auto) {
      // Scripted answers (#answer=runbook or #answer=wait): a demonstration, and the tests.
      var alert = alerts[index];
      var step = alert.runbook[0];
      if (drill.auto === "runbook" && step) { answer(step.action, step.t - alert.t); } else { answer("wait", 0); }
      resume();
      return;
    }
    drawDrill();
  }
  function answer(choice, delay) {
    var alert = alerts[drill.prompting];
    drill.answers[drill.prompting] = { choice: choice, t: alert.t + (choice === "wait" ? 0 : delay) };
    drawDrill();
    render();
  }
  function resume() {
    drill.prompting = -1;
    drawDrill();
    play(true);
  }
  function drawDrill() {
    if (!drill.on) { drillBox.innerHTML = ""; return; }
    if (drill.done) { drillBox.innerHTML = scoreHtml(); bindDrill(); return; }
    if (drill.prompting < 0) {
      drillBox.innerHTML = "<div id=\"drill-status\">Drill mode: playback stops at each of the run's " + alerts.length +
        " alert firing" + (alerts.length === 1 ? "" : "s") + " and asks what you would do. " +
        (alerts.length ? "Press Play." : "This run has no alerts to drill on.") +
        " <button type=\"button\" data-finish=\"1\">Score now</button></div>";
      bindDrill();
      return;
    }
    var alert = alerts[drill.prompting];
    var given = drill.answers[drill.prompting];
    var html = "<div id=\"drill-prompt\" data-alert=\"" + escapeHtml(alert.name) + "\" data-t=\"" + alert.t + "\">" +
      "<div>Alert <b>" + escapeHtml(alert.name) + "</b> fired at " + clockLabel(alert.t) + ".</div>";
    if (!given) {
      html += "<div class=\"question\">What would you do?</div><label>When: <select id=\"drill-when\">" +
        DELAYS_S.map(function (d) { return "<option value=\"" + d + "\">" + (d ? "in " + span(d) : "now") + "</option>"; }).join("") +
        "</select></label><div>" + options.map(function (option) {
          var words = gloss(option);
          return "<button type=\"button\" data-choice=\"" + escapeHtml(option) + "\">" + escapeHtml(option) +
            (words ? " <span class=\"hint\">(" + escapeHtml(words) + ")</span>" : "") + "</button>";
        }).join("") + "</div>";
    } else {
      html += "<div>You chose <b>" + escapeHtml(given.choice) + "</b>" + (given.choice === "wait" ? "" : " at " + clockLabel(given.t)) + ".</div>" +
        "<div class=\"reveal\" id=\"drill-reveal\">" + runbookSays(alert) + "</div><button type=\"button\" data-continue=\"1\">Continue</button>";
    }
    drillBox.innerHTML = html + "</div>";
    bindDrill();
  }
  function bindDrill() {
    Array.prototype.forEach.call(drillBox.querySelectorAll("button[data-choice]"), function (b) {
      b.addEventListener("click", function () {
        var when = document.getElementById("drill-when");
        answer(b.getAttribute("data-choice"), Number(when ? when.value : 0));
      });
    });
    Array.prototype.forEach.call(drillBox.querySelectorAll("button[data-continue]"), function (b) {
      b.addEventListener("click", resume);
    });
    Array.prototype.forEach.call(drillBox.querySelectorAll("button[data-finish]"), function (b) {
      b.addEventListener("click", function () { state.playing = false; finish(); });
    });
    Array.prototype.forEach.call(drillBox.querySelectorAll("button[data-restart]"), function (b) {
      b.addEventListener("click", function () { setDrill(true); seek(start); });
    });
  }
  function finish() {
    drill.done = true;
    drill.prompting = -1;
    drawDrill();
    render();
  }
  // One point for the right choice, one for its timing; alerts skipped by seeking are not scored.
  function score() {
    var rows = [], choices = 0, timing = 0, asked = 0;
    alerts.forEach(function (alert, i) {
      var given = drill.answers[i];
      var step = alert.runbook[0] || null;
      var row = { alert: alert, given: given, step: step, right: false, timing: 0, delta: null };
      if (given) {
        asked++;
        if (!step) {
          row.right = given.choice === "wait";
          row.timing = row.right ? 1 : 0;
        } else {
          var match = alert.runbook.filter(function (s) { return s.action === given.choice; })[0];
          if (match) {
            row.right = true;
            row.delta = given.t - match.t;
            var off = Math.abs(row.delta);
            row.timing = off <= ON_TIME_S ? 1 : off >= TOO_FAR_S ? 0 : (TOO_FAR_S - off) / (TOO_FAR_S - ON_TIME_S);
          }
        }
        choices += row.right ? 1 : 0;
        timing += row.timing;
      }
      rows.push(row);
    });
    var total = asked ? Math.round((choices + timing) / (2 * asked) * 100) : 0;
    return { rows: rows, choices: choices, timing: timing, asked: asked, total: total };
  }
  function scoreHtml() {
    var s = score();
    var body = s.rows.map(function (row) {
      var runbook = row.step ? row.alert.runbook.map(function (st) { return escapeHtml(st.action) + " at " + clockLabel(st.t); }).join("; ") : "wait";
      var you = !row.given ? "skipped" : row.given.choice === "wait" ? "wait" : escapeHtml(row.given.choice) + " at " + clockLabel(row.given.t);
      var when = row.delta === null ? "" : row.delta === 0 ? "on time" : span(row.delta) + (row.delta < 0 ? " early" : " late");
      return "<tr><td>" + escapeHtml(row.alert.name) + " at " + clockLabel(row.alert.t) + "</td><td>" + you + "</td><td>" + runbook +
        "</td><td>" + (row.given ? (row.right ? "right" : "different") : "–") + "</td><td>" + (row.given ? when + " (" + Math.round(row.timing * 100) + "%)" : "–") + "</td></tr>";
    }).join("");
    return "<div id=\"drill-result\"><b>Drill score: " + s.total + "%</b> — " + s.choices + " of " + s.asked +
      " choices as the runbook, timing " + Math.round(s.timing * 100) / 100 + " of " + s.asked +
      " (full marks within " + ON_TIME_S + " s of the runbook, none from " + span(TOO_FAR_S) + ")." +
      "<table id=\"drill-score\" data-score=\"" + s.total + "\" data-choices=\"" + s.choices + "/" + s.asked + "\"><thead><tr><th>Alert</th><th>You</th><th>Runbook</th><th>Choice</th><th>Timing</th></tr></thead><tbody>" +
      body + "</tbody></table><button type=\"button\" data-restart=\"1\">Drill again</button></div>";
  }
  drillToggle.addEventListener("click", function () { setDrill(!drill.on); });

  // ---- the URL fragment: #t=600, #drill, #speed=600, #play, #answer=runbook ----
  function fromHash() {
    var parts = location.hash.replace(/^#/, "").split("&");
    var wanted = { t: null, drill: false, play: false, speed: null, answer: null };
    parts.forEach(function (part) {
      var kv = part.split("=");
      if (kv[0] === "t" && kv[1] !== undefined && isFinite(Number(kv[1])) && kv[1] !== "") { wanted.t = Number(kv[1]); }
      if (kv[0] === "drill") { wanted.drill = true; }
      if (kv[0] === "play") { wanted.play = true; }
      if (kv[0] === "speed") { wanted.speed = Number(kv[1]); }
      if (kv[0] === "answer" && (kv[1] === "runbook" || kv[1] === "wait")) { wanted.answer = kv[1]; }
    });
    if (wanted.speed !== null) { setSpeed(wanted.speed); }
    drill.auto = wanted.answer;
    if (wanted.drill && !drill.on) { setDrill(true); }
    if (wanted.t !== null) { seek(wanted.t); }
    if (wanted.play) { play(true); }
  }
  window.addEventListener("hashchange", fromHash);
  setInterval(tick, TICK_MS);
  render();
  fromHash();
}());
