"""The dashboard's JavaScript (inlined in the page by ``page``).

It polls ``GET <control>/dashboard/state`` (and ``/dashboard/runs/{id}`` for the run
whose timeline is open) every ``POLL_MS``, and acts through the same control
endpoints as any client: ``POST /clock/advance``, ``/clock/scale``,
``/runs/{id}/complete``, ``/fail``, ``/keep-running``, ``/release``. Sections are
rebuilt from strings only when their text changed; every value is escaped.
"""

from __future__ import annotations

POLL_MS = 1500

SCRIPT = r"""
"use strict";
const BASE = location.pathname.replace(/\/+$/, "");
const POLL_MS = __POLL_MS__;
const view = {status: "", offset: 0, limit: 100, scope: "", selected: null, paused: false,
              scopes: new Map(), shown: {}, asked: 0, answered: 0, renders: 0};
const $ = (id) => document.getElementById(id);
const ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};

function esc(value) {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function dur(total) {
  if (total === null || total === undefined) return "-";
  let whole = Math.round(total);
  if (whole < 0) return "-" + dur(-whole);
  const days = Math.floor(whole / 86400); whole -= days * 86400;
  const hours = Math.floor(whole / 3600); whole -= hours * 3600;
  const minutes = Math.floor(whole / 60); const secs = whole - minutes * 60;
  const two = (n) => String(n).padStart(2, "0");
  if (days) return days + "d" + hours + "h";
  if (hours) return hours + "h" + two(minutes) + "m";
  if (minutes) return minutes + "m" + two(secs) + "s";
  return secs + "s";
}

const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
               43200, 86400];
function tickStep(span) {
  for (const step of STEPS) if (span / step <= 8) return step;
  let day = 86400; while (span / day > 8) day *= 2; return day;
}

function badge(status) {
  return '<span class="badge st-' + esc(status) + '">' + esc(status) + "</span>";
}

function setHtml(id, html) {
  if (view.shown[id] === html) return;
  view.shown[id] = html;
  $(id).innerHTML = html;
}

function say(text, isError) {
  const box = $("message");
  box.textContent = text;
  box.className = isError ? "error" : "note";
}

async function call(method, path, body) {
  const options = {method: method, cache: "no-store", headers: {}};
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(BASE + path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.status + " " + response.statusText);
  return data;
}

function stateQuery() {
  const query = new URLSearchParams();
  if (view.status) query.set("status", view.status);
  query.set("offset", String(view.offset));
  query.set("limit", String(view.limit));
  if (view.scope) {
    const [account, region] = view.scope.split("/");
    query.set("account_id", account);
    query.set("region", region);
  }
  return query.toString();
}

async function refresh() {
  const asked = ++view.asked;
  try {
    const state = await call("GET", "/dashboard/state?" + stateQuery());
    let detail = null;
    if (view.selected) {
      const s = view.selected;
      const query = new URLSearchParams({account_id: s.account, region: s.region});
      detail = await call("GET", "/dashboard/runs/" + encodeURIComponent(s.id) + "?" + query)
        .catch((error) => ({error: error.message}));
    }
    if (asked < view.answered) return;
    view.answered = asked;
    render(state, detail);
    $("live").textContent = "updated " + new Date().toLocaleTimeString() +
      (view.paused ? " (paused)" : " (every " + POLL_MS / 1000 + " s)");
  } catch (error) {
    $("live").textContent = "not reachable: " + error.message;
  }
}

function loop() {
  const next = () => setTimeout(loop, POLL_MS);
  if (view.paused) { next(); return; }
  refresh().finally(next);
}

function render(state, detail) {
  const clock = state.clock;
  $("clock-now").textContent = clock.now;
  $("clock-offset").textContent = dur(clock.offset_seconds);
  $("clock-scale").textContent = String(clock.scale);
  const totals = {}; let all = 0; let matching = 0;
  if (!view.scope) view.scopes.clear();  // every account and Region is in the state
  else if (!state.backends.length) { view.scope = ""; view.scopes.clear(); }  // gone (reset)
  for (const backend of state.backends) {
    view.scopes.set(backend.account_id + "/" + backend.region, true);
    all += backend.runs.total;
    matching = Math.max(matching, backend.runs.matching);
    for (const [status, count] of Object.entries(backend.runs.counts)) {
      totals[status] = (totals[status] || 0) + count;
    }
  }
  renderScopes();
  const filters = ['<button data-action="filter" data-status=""' +
    (view.status ? "" : ' class="on"') + ">All " + all + "</button>"];
  for (const status of state.statuses) {
    filters.push('<button data-action="filter" data-status="' + esc(status) + '" class="st-' +
      esc(status) + (view.status === status ? " on" : "") + '">' + esc(status) + " " +
      (totals[status] || 0) + "</button>");
  }
  setHtml("filters", filters.join(""));
  const last = Math.min(view.offset + view.limit, matching);
  $("page-info").textContent = matching ? (view.offset + 1) + "-" + last + " of " + matching
    : "no runs";
  $("prev").disabled = view.offset === 0;
  $("next").disabled = view.offset + view.limit >= matching;
  setHtml("detail", detail ? renderDetail(detail) : "");
  const sections = state.backends.map(renderBackend).join("");
  setHtml("backends", sections || '<p class="muted">No account or Region has been used yet: ' +
    "make a request to the server and it appears here.</p>");
  view.renders += 1;
  document.body.dataset.renders = String(view.renders);
}

function renderScopes() {
  const options = ['<option value="">every account and Region</option>'];
  for (const scope of [...view.scopes.keys()].sort()) {
    options.push('<option value="' + esc(scope) + '"' + (scope === view.scope ? " selected" : "") +
      ">" + esc(scope.replace("/", " \u00b7 ")) + "</option>");
  }
  setHtml("scope", options.join(""));
}

function pct(seconds, horizon) {
  return (Math.min(Math.max(seconds, 0), horizon) / horizon * 100).toFixed(3) + "%";
}

function span(start, end, horizon) {
  const from = Math.min(Math.max(start, 0), horizon);
  const to = Math.min(Math.max(end === null ? start : end, from), horizon);
  return "left:" + pct(from, horizon) + ";width:" +
    Math.max((to - from) / horizon * 100, 0.4).toFixed(3) + "%";
}

function track(run) {
  const horizon = Math.max(run.horizon, 1);
  const parts = ['<div class="track">'];
  for (const phase of run.phases) {
    parts.push('<div class="phase st-' + esc(phase.status) + '" style="' +
      span(phase.start, phase.end, horizon) + '"></div>');
  }
  for (const task of run.tasks) {
    parts.push('<div class="bar st-' + esc(task.status) + '" style="' +
      span(task.start, task.end, horizon) + '" title="' + esc(task.name + ": " + task.status) +
      '"></div>');
  }
  parts.push("</div>");
  return parts.join("");
}

function runActions(run) {
  if (!run.active) return "";
  const hold = run.held ? '<button data-action="release">Release</button>'
    : '<button data-action="keep-running">Hold</button>';
  return '<button data-action="complete">Complete</button>' +
    '<button data-action="fail" class="danger">Fail</button>' + hold;
}

function runRow(run) {
  const group = run.run_group_id ? esc(run.run_group_id) : "";
  const batch = run.batch_id ? esc(run.batch_id) : "";
  return '<tr class="run" data-run="' + esc(run.id) + '" data-account="' + esc(run.account_id) +
    '" data-region="' + esc(run.region) + '" data-status="' + esc(run.status) + '">' +
    '<td><a href="#" data-action="select" title="show its timeline">' + esc(run.id) + "</a></td>" +
    '<td class="name">' + esc(run.name) + "</td><td>" + badge(run.status) +
    (run.held ? ' <span class="muted">held</span>' : "") + "</td>" +
    "<td>" + esc(run.workflow_name || run.workflow_id) + "</td><td>" + group + "</td><td>" +
    batch + "</td><td>" + esc(run.priority) + '</td><td class="timeline">' + track(run) +
    "</td><td>" + dur(run.span) + '</td><td class="reason">' + esc(run.failure_reason) +
    '</td><td class="actions">' + runActions(run) + "</td></tr>";
}

function table(headers, rows) {
  if (!rows.length) return '<p class="muted">none</p>';
  return "<table><thead><tr>" + headers.map((h) => "<th>" + esc(h) + "</th>").join("") +
    "</tr></thead><tbody>" + rows.join("") + "</tbody></table>";
}

function cells(values) {
  return "<tr>" + values.map((v) => "<td>" + v + "</td>").join("") + "</tr>";
}

function card(title, listing, headers, render) {
  const more = listing.total > listing.items.length ?
    '<p class="muted">' + (listing.total - listing.items.length) + " more</p>" : "";
  return '<div class="card" data-kind="' + esc(title) + '"><h4>' + esc(title) + " (" +
    listing.total + ")</h4>" + table(headers, listing.items.map((item) => cells(render(item)))) +
    more + "</div>";
}

function counters(counts) {
  return Object.entries(counts).map(([status, n]) => badge(status) + " " + n).join(" ");
}

function renderBackend(backend) {
  const runs = backend.runs;
  const rows = runs.items.map(runRow).join("");
  const shown = runs.items.length ? (runs.offset + 1) + "-" + (runs.offset + runs.items.length) +
    " of " + runs.matching : "none";
  const head = "<tr><th>run</th><th>name</th><th>status</th><th>workflow</th><th>group</th>" +
    "<th>batch</th><th>priority</th><th>tasks over virtual time</th><th>time</th>" +
    "<th>failure reason</th><th>actions</th></tr>";
  const cards = [
    card("Workflows", backend.workflows, ["id", "name", "status", "engine", "versions"], (w) => [
      esc(w.id), esc(w.name), badge(w.status), esc(w.engine),
      w.versions.map((v) => esc(v.name) + " " + badge(v.status)).join(" ") ||
        '<span class="muted">none</span>']),
    card("Run groups", backend.run_groups, ["id", "name", "limits", "queued", "running"], (g) => [
      esc(g.id), esc(g.name),
      esc(Object.entries(g.limits).map(([k, v]) => k + " " + v).join(", ")),
      esc(g.queued), esc(g.running)]),
    card("Batches", backend.batches, ["id", "name", "status", "runs", "submitted ok/failed/pending",
      "run statuses"], (b) => [esc(b.id), esc(b.name), badge(b.status), esc(b.total_runs),
      esc(b.submissions.successful + " / " + b.submissions.failed + " / " +
        b.submissions.pending), counters(b.runs)]),
    card("Run caches", backend.run_caches, ["id", "name", "status", "behavior", "entries"], (c) => [
      esc(c.id), esc(c.name), badge(c.status), esc(c.behavior), esc(c.entries)]),
    card("Sequence stores", backend.sequence_stores, ["id", "name", "status", "read sets"],
      (s) => [esc(s.id), esc(s.name), badge(s.status), esc(s.read_sets)]),
    card("Read sets", backend.read_sets, ["id", "name", "store", "status", "type"], (r) => [
      esc(r.id), esc(r.name), esc(r.store_id), badge(r.status), esc(r.file_type)]),
    card("Reference stores", backend.reference_stores, ["id", "name", "references"], (s) => [
      esc(s.id), esc(s.name), esc(s.references)]),
    card("References", backend.references, ["id", "name", "store", "status"], (r) => [
      esc(r.id), esc(r.name), esc(r.store_id), badge(r.status)]),
    card("Variant stores", backend.variant_stores, ["id", "name", "status", "bytes"], (s) => [
      esc(s.id), esc(s.name), badge(s.status), esc(s.size_bytes)]),
    card("Annotation stores", backend.annotation_stores, ["id", "name", "status", "versions"],
      (s) => [esc(s.id), esc(s.name), badge(s.status), esc(s.versions)]),
    card("Jobs", backend.jobs, ["id", "kind", "store", "status", "sources", "started", "ended"],
      (j) => [esc(j.id), esc(j.kind), esc(j.store_id), badge(j.status), esc(j.parts),
        esc(j.creation_time), esc(j.completion_time || "")]),
  ];
  return '<section class="backend" data-account="' + esc(backend.account_id) +
    '" data-region="' + esc(backend.region) + '"><h2>Account ' + esc(backend.account_id) +
    " \u00b7 " + esc(backend.region) + '</h2><div class="counts">' + runs.total + " runs " +
    counters(runs.counts) + '</div><h3>Runs <span class="muted">' + shown + "</span></h3>" +
    (rows ? '<table class="runs"><thead>' + head + "</thead><tbody>" + rows + "</tbody></table>"
      : '<p class="muted">no runs' + (view.status ? " " + esc(view.status) : "") + "</p>") +
    '<div class="cards">' + cards.join("") + "</div></section>";
}

function renderDetail(detail) {
  if (detail.error) return '<div class="panel"><p class="error">' + esc(detail.error) + "</p>" +
    '<button data-action="close">Close</button></div>';
  const run = detail.run;
  const horizon = Math.max(run.horizon, 1);
  const rows = ['<div class="g-row"><div class="g-label">run phases</div><div class="g-lane">' +
    run.phases.map((p) => '<div class="g-bar phase st-' + esc(p.status) + '" style="' +
      span(p.start, p.end, horizon) + '" title="' + esc(p.status + " " + dur(p.start) + "-" +
      dur(p.end)) + '"></div>').join("") + "</div></div>"];
  for (const task of run.tasks) {
    const tip = task.name + (task.id ? " (task " + task.id + ")" : "") + ": " + task.status +
      " " + dur(task.start) + "-" + dur(task.end) + ", " + task.cpus + " vCPU, " +
      task.memory + " GiB" + (task.cache_hit ? ", cache hit" : "");
    rows.push('<div class="g-row"><div class="g-label" title="' + esc(task.name) + '">' +
      esc(task.name) + '</div><div class="g-lane"><div class="g-bar task-bar st-' +
      esc(task.status) + '" style="' + span(task.start, task.end, horizon) + '" title="' +
      esc(tip) + '"></div></div></div>');
  }
  const step = tickStep(horizon); const ticks = [];
  for (let t = 0; t <= horizon + 1e-9; t += step) {
    ticks.push('<span class="tick" style="left:' + pct(t, horizon) + '">' + dur(t) + "</span>");
  }
  rows.push('<div class="g-row"><div class="g-label"></div><div class="g-axis">' +
    ticks.join("") + "</div></div>");
  const share = (Math.min(Math.max(run.span, 0), horizon) / horizon).toFixed(4);
  const now = run.active ? '<div class="g-now" style="left:calc(180px + (100% - 180px) * ' +
    share + ')"></div>' : "";
  const empty = run.tasks.length ? "" : '<p class="muted">No task has started yet (' +
    run.task_count + " planned).</p>";
  return '<div class="panel" data-run="' + esc(run.id) + '"><h3>Timeline of run ' + esc(run.id) +
    (run.name ? " " + esc(run.name) : "") + " " + badge(run.status) + ' <span class="muted">' +
    dur(run.span) + " of virtual time, " + run.tasks.length + " of " + run.task_count +
    " tasks</span> " + '<button data-action="close">Close</button></h3>' +
    (run.failure_reason ? '<p class="reason">failure reason: ' + esc(run.failure_reason) +
      (run.status_message && run.status_message !== run.failure_reason ?
        " (" + esc(run.status_message) + ")" : "") + "</p>" : "") +
    '<div class="gantt">' + now + rows.join("") + "</div>" + empty + "</div>";
}

async function act(target) {
  const action = target.dataset.action;
  if (action === "filter") { view.status = target.dataset.status; view.offset = 0; }
  else if (action === "page") {
    view.offset = Math.max(0, view.offset + Number(target.dataset.step) * view.limit);
  } else if (action === "close") { view.selected = null; }
  else if (action === "pause") {
    view.paused = !view.paused;
    target.textContent = view.paused ? "Resume" : "Pause";
  } else if (action === "advance") {
    const seconds = Number(target.dataset.seconds || $("advance-amount").value) *
      Number(target.dataset.seconds ? 1 : $("advance-unit").value);
    const clock = await call("POST", "/clock/advance", {seconds: seconds});
    say("Virtual time moved " + dur(seconds) + " to " + clock.now);
  } else if (action === "scale") {
    const clock = await call("POST", "/clock/scale", {scale: Number($("scale-input").value)});
    say("Time scale " + clock.scale);
  } else {
    const row = target.closest("tr.run");
    const run = {id: row.dataset.run, account: row.dataset.account, region: row.dataset.region};
    if (action === "select") { view.selected = run; }
    else {
      const body = {account_id: run.account, region: run.region};
      if (action === "fail") body.reason = $("fail-reason").value || "WORKFLOW_RUN_FAILED";
      const answer = await call("POST", "/runs/" + encodeURIComponent(run.id) + "/" + action,
        body);
      say("Run " + answer.id + ": " + answer.status);
    }
  }
  await refresh();
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  event.preventDefault();
  act(target).catch((error) => say(error.message, true));
});
$("scope").addEventListener("change", (event) => {
  view.scope = event.target.value; view.offset = 0; refresh();
});
$("limit").addEventListener("change", (event) => {
  view.limit = Number(event.target.value); view.offset = 0; refresh();
});
loop();
""".replace("__POLL_MS__", str(POLL_MS))
