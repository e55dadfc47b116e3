"""The dashboard page: one self-contained HTML document (inline CSS and JavaScript,
no external assets, works offline), served by server mode at ``/_omics_mock/``.

The page holds no data: its script (``script``) polls the control API's read-only
``/dashboard/state`` and acts through the control endpoints any client uses.
``SECURITY_HEADERS`` forbid it to load or send anything outside its own server.
"""

from __future__ import annotations

import functools

from .palette import status_css
from .script import SCRIPT

SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'",
    ),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;
  background:#f9fafb}
header{position:sticky;top:0;z-index:2;background:#111827;color:#f9fafb;padding:8px 16px;
  display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}
header h1{font-size:16px;margin:0}
header .clock b{font-variant-numeric:tabular-nums}
header input,header select{width:5em}
header button{background:#374151;color:#f9fafb;border-color:#4b5563}
header button:hover{background:#4b5563}
#live{color:#9ca3af;margin-left:auto}
nav{padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;
  background:#fff;border-bottom:1px solid #e5e7eb}
nav #filters button{margin-right:4px}
nav #filters button.on{outline:2px solid #111827;outline-offset:1px}
main{padding:8px 16px 40px}
button{font:inherit;border:1px solid #d1d5db;background:#fff;border-radius:4px;padding:1px 8px;
  cursor:pointer}
button:hover{background:#f3f4f6}
button:disabled{opacity:.4;cursor:default}
button.danger{border-color:#fca5a5;color:#b91c1c}
#message{padding:0 16px;min-height:1.4em}
#message.error,.error{color:#b91c1c}
#message.note{color:#065f46}
.muted{color:#6b7280;font-weight:normal}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:11px;white-space:nowrap;
  background:#e5e7eb;color:#374151}
section.backend{margin-top:12px}
section.backend h2{font-size:15px;margin:8px 0 2px}
section.backend h3{font-size:14px;margin:10px 0 4px}
table{border-collapse:collapse;background:#fff}
th,td{padding:2px 6px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:middle}
th{font-weight:600;color:#374151;background:#f3f4f6}
table.runs{width:100%}
td.name{max-width:16em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
td.timeline{width:28%;min-width:160px}
td.reason,.reason{color:#b91c1c}
td.actions{white-space:nowrap}
td.actions button{margin-right:2px}
.track{position:relative;height:16px;background:#f3f4f6;border-radius:3px;overflow:hidden}
.track .phase{position:absolute;bottom:0;height:4px;opacity:.7}
.track .bar{position:absolute;top:1px;height:9px;border-radius:2px}
.st-PLANNED{background:#fff!important;outline:1px dashed #9ca3af;outline-offset:-1px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:6px 8px;max-width:100%;
  overflow:auto}
.card h4{margin:0 0 4px;font-size:13px}
.card table th,.card table td{border-bottom-color:#f3f4f6}
.panel{background:#fff;border:1px solid #d1d5db;border-radius:6px;padding:8px 12px;margin:8px 0}
.panel h3{margin:0 0 6px;font-size:14px}
.gantt{position:relative;margin-left:0}
.g-row{display:flex;align-items:center;height:20px}
.g-label{width:180px;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
  padding-right:8px}
.g-lane{position:relative;flex:1;height:16px;background:#f9fafb;border-radius:3px}
.g-bar{position:absolute;top:2px;height:12px;border-radius:3px}
.g-axis{position:relative;flex:1;height:16px;color:#6b7280;font-size:11px}
.g-axis .tick{position:absolute;transform:translateX(-50%)}
.g-now{position:absolute;top:0;bottom:16px;width:0;border-left:1px dashed #111827;z-index:1}
"""

BODY = """
<header>
  <h1>omics-mock</h1>
  <span class="clock">virtual time <b id="clock-now">-</b>
    (offset <b id="clock-offset">-</b>, scale <b id="clock-scale">-</b>)</span>
  <span id="advance">advance
    <button data-action="advance" data-seconds="60">+1 min</button>
    <button data-action="advance" data-seconds="600">+10 min</button>
    <button data-action="advance" data-seconds="3600">+1 h</button>
    <button data-action="advance" data-seconds="86400">+1 day</button>
    <input id="advance-amount" type="number" min="0" step="any" value="5" aria-label="amount">
    <select id="advance-unit" aria-label="unit"><option value="1">s</option>
      <option value="60" selected>min</option><option value="3600">h</option></select>
    <button data-action="advance" id="advance-by">Advance</button></span>
  <span>scale <input id="scale-input" type="number" min="0" step="any" value="1"
    aria-label="time scale"> <button data-action="scale">Set</button></span>
  <span id="live">connecting...</span>
  <button data-action="pause" id="pause">Pause</button>
</header>
<nav>
  <span id="filters"></span>
  <span>page <button data-action="page" data-step="-1" id="prev">&lsaquo; newer</button>
    <span id="page-info">-</span>
    <button data-action="page" data-step="1" id="next">older &rsaquo;</button>
    <select id="limit" aria-label="runs per page"><option>50</option>
      <option selected>100</option><option>500</option></select></span>
  <select id="scope" aria-label="account and Region" style="width:auto"></select>
  <label>failure reason <input id="fail-reason" value="OutOfMemory" maxlength="64"></label>
</nav>
<div id="message"></div>
<main>
  <div id="detail"></div>
  <div id="backends"><p class="muted">Loading...</p></div>
</main>
"""


@functools.lru_cache(maxsize=1)
def page_html() -> bytes:
    """The page, as UTF-8 bytes (built once)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>omics-mock dashboard</title>"
        f"<style>{STYLE}{status_css()}</style></head><body>{BODY}"
        f"<script>{SCRIPT}</script></body></html>\n"
    ).encode()
