"""The benchmark: ``python -m bench`` (``--quick`` for tiny sizes, a few seconds).

Sections (``--only`` picks some): ``calls`` (per-call cost against botocore's
floor and moto, ``bench/calls.py``), ``scale`` (a batch of 100,000 runs and
ListRuns page cost, ``bench/scale.py``), ``fixed`` (import, enter/exit, pytest
prologue, ``bench/fixed.py``), ``profile`` (where omics-mock's time goes on
GetRun and StartRun, ``bench/breakdown.py``), ``storage`` (a 1 GiB read set
uploaded and downloaded through the mock: MB/s and peak memory,
``bench/storage.py``), ``server`` (GetRun over HTTP against the in-process call,
and 8 threads against a server, ``bench/server.py``), ``dashboard`` (the
dashboard's state and the notebook displays with 10,000 runs,
``bench/dashboard.py``). Each section runs in a fresh process (in this one with
``--quick``).

Everything compared is measured side by side in one process; numbers are
medians over rounds and ratios are medians of per-round ratios. Absolute
times depend on the machine and its load; the ratios are what to compare.
See ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

SECTIONS = ("calls", "scale", "fixed", "profile", "storage", "server", "dashboard")


@dataclass(frozen=True)
class Sizes:
    calls_rounds: int
    calls_n: int
    list_n: int
    batch_runs: int
    traced_runs: int
    list_rounds: int
    list_calls: int
    import_cached: int
    import_uncached: int
    enter_rounds: int
    enter_n: int
    prologue: int
    profile_rounds: int
    profile_n: int
    profile_calls: int
    storage_mib: int = 1024
    storage_part_mib: int = 100
    server_rounds: int = 15
    server_n: int = 100
    server_seconds: float = 3.0
    server_repeats: int = 3
    dashboard_runs: int = 10_000
    dashboard_rounds: int = 7


FULL = Sizes(
    calls_rounds=15,
    calls_n=100,
    list_n=10,
    batch_runs=100_000,
    traced_runs=10_000,
    list_rounds=9,
    list_calls=10,
    import_cached=9,
    import_uncached=5,
    enter_rounds=15,
    enter_n=200,
    prologue=40,
    profile_rounds=9,
    profile_n=100,
    profile_calls=300,
)
QUICK = Sizes(
    calls_rounds=2,
    calls_n=3,
    list_n=1,
    batch_runs=200,
    traced_runs=0,
    list_rounds=1,
    list_calls=1,
    import_cached=1,
    import_uncached=0,
    enter_rounds=2,
    enter_n=5,
    prologue=2,
    profile_rounds=1,
    profile_n=3,
    profile_calls=3,
    storage_mib=8,
    storage_part_mib=1,
    server_rounds=1,
    server_n=3,
    server_seconds=0.2,
    server_repeats=1,
    dashboard_runs=200,
    dashboard_rounds=1,
)

TARGET_OWN_WORK = 0.10
TARGET_MOTO_RATIO = 2.5
TARGET_FLAT = 1.2
TARGET_ELSEWHERE = 1.01
TARGET_BATCH_SECONDS = 4.0
TARGET_BATCH_BYTES = 200 * 1024 * 1024
TARGET_IMPORT = 0.030
TARGET_ENTER_EXIT = 0.0005
TARGET_PROLOGUE = 0.003
OPERATIONS = ("StartRun", "GetRun", "ListRuns", "StartRunBatch", "GetBatch", "CreateWorkflow")
TARGET_STORAGE_MEMORY = 1.25
MIB = 1024 * 1024


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for package in ("boto3", "botocore", "moto"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:  # moto is optional
            versions[package] = "not installed"
    return {
        "date": _dt.date.today().isoformat(),
        "uname": " ".join(os.uname()) if hasattr(os, "uname") else platform.platform(),
        "cpu": cpu,
        "cpus": str(os.cpu_count()),
        "load": " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "",
        **versions,
    }


# -- sections ---------------------------------------------------------------------------------


def run_calls(sizes: Sizes, with_moto: bool) -> dict[str, Any]:
    from . import calls

    return calls.measure(sizes.calls_rounds, sizes.calls_n, sizes.list_n, with_moto=with_moto)


def _subprocess(module: str, args: list[str]) -> dict[str, Any]:
    """Run ``python -m module args`` from the repository root; its last stdout line is JSON."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"python -m {module} {' '.join(args)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _scale_subprocess(args: list[str]) -> dict[str, Any]:
    return _subprocess("bench.scale", args)


def run_scale(sizes: Sizes) -> dict[str, Any]:
    out = {
        "main": _scale_subprocess(
            [
                "--runs",
                str(sizes.batch_runs),
                "--list-rounds",
                str(sizes.list_rounds),
                "--list-n",
                str(sizes.list_calls),
            ]
        )
    }
    if sizes.traced_runs:
        small = ["--runs", str(sizes.traced_runs), "--list-rounds", "0"]
        out["traced"] = _scale_subprocess([*small, "--mode", "tracemalloc"])
        out["profiled"] = _scale_subprocess([*small, "--mode", "cprofile"])
    return out


def run_fixed(sizes: Sizes) -> dict[str, Any]:
    from . import fixed

    return {
        "import": fixed.import_cost(sizes.import_cached, sizes.import_uncached),
        "enter_exit": fixed.enter_exit(sizes.enter_rounds, sizes.enter_n),
        "prologue": fixed.pytest_prologue(sizes.prologue),
    }


def run_profile(sizes: Sizes) -> dict[str, Any]:
    from . import breakdown

    return breakdown.measure(sizes.profile_rounds, sizes.profile_n, sizes.profile_calls)


def run_storage(sizes: Sizes) -> dict[str, Any]:
    from . import storage

    return storage.measure(sizes.storage_mib * MIB, sizes.storage_part_mib * MIB)


def run_server(sizes: Sizes) -> dict[str, Any]:
    from . import server

    return server.measure(
        sizes.server_rounds, sizes.server_n, sizes.server_seconds, sizes.server_repeats
    )


def run_dashboard(sizes: Sizes) -> dict[str, Any]:
    from . import dashboard

    return dashboard.measure(sizes.dashboard_runs, sizes.dashboard_rounds)


# -- report -----------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


class Report:
    """Tables, rendered as markdown or aligned text."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        self.lines += ["", f"### {text}" if self.markdown else f"== {text} ==", ""]

    def note(self, text: str) -> None:
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        if self.markdown:
            self.lines.append("| " + " | ".join(header) + " |")
            self.lines.append("|" + "|".join(" --- " for _ in header) + "|")
            self.lines += ["| " + " | ".join(row) + " |" for row in rows]
            return
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, ["-" * w for w in widths], *rows]:
            self.lines.append(
                "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )

    def text(self) -> str:
        return "\n".join(self.lines).strip() + "\n"


def render(results: dict[str, Any], markdown: bool) -> str:
    report = Report(markdown)
    info = results["machine"]
    report.note(
        f"{info['date']} · {info['uname']} · CPU {info['cpu']} ({info['cpus']} cores, "
        f"load {info['load']}) · Python {info['python']}, boto3 {info['boto3']}, "
        f"botocore {info['botocore']}, moto {info['moto']} · sizes: {results['sizes_name']}"
    )
    targets: list[list[str]] = []

    calls = results.get("calls")
    if calls:
        report.heading("Per call (median of per-round means; calls of a row group interleaved)")
        cases, ratios = calls["cases"], calls["ratios"]
        rows = []
        for name, case in cases.items():
            rows.append([name, _ms(case["median"])])
        report.table(["case", "median per call"], rows)
        report.note("")
        rows = []
        for op in OPERATIONS:
            share = ratios.get(f"omics-mock {op}: own work / floor")
            if share is None:
                continue
            rows.append(
                [f"omics-mock {op}", _us(ratios[f"omics-mock {op}: own work (s)"]), _pct(share)]
            )
            targets.append(
                [f"{op}: own work <= 10% of floor", _pct(share), _verdict(share <= TARGET_OWN_WORK)]
            )
        elsewhere = ratios.get("canned GetRun with the mock active / floor")
        if elsewhere is not None:
            targets.append(
                [
                    "another handler answers, mock active: within 1% of the floor",
                    f"{elsewhere:.3f}x",
                    _verdict(elsewhere <= TARGET_ELSEWHERE),
                ]
            )
        if calls.get("moto"):
            for theirs in ("StartJobRun", "DescribeJobRun"):
                rows.append(
                    [
                        f"moto {theirs}",
                        _us(ratios[f"moto {theirs}: own work (s)"]),
                        _pct(ratios[f"moto {theirs}: own work / floor"]),
                    ]
                )
        report.table(["own work (call minus its floor)", "per call", "share of floor"], rows)
        if calls.get("moto"):
            report.note("")
            rows = []
            for ours, theirs in (("StartRun", "StartJobRun"), ("GetRun", "DescribeJobRun")):
                whole = ratios[f"moto {theirs} / omics-mock {ours}: whole call"]
                own = ratios[f"moto {theirs} / omics-mock {ours}: own work"]
                rows.append([f"moto {theirs} vs omics-mock {ours}", f"{whole:.2f}x", f"{own:.1f}x"])
                if ours != "StartRun":
                    continue
                targets.append(
                    [
                        f"omics-mock {ours} >= 2.5x faster than moto {theirs} (whole call)",
                        f"{whole:.2f}x",
                        _verdict(whole >= TARGET_MOTO_RATIO),
                    ]
                )
            report.table(["omics-mock faster than moto by", "whole call", "own work"], rows)
            added = ratios.get("omics-mock GetRun: added by an active mock_aws (s)")
            if added is not None:
                report.note("")
                report.note(
                    f"An active `mock_aws` adds {_us(added)} to every omics-mock call of a "
                    "client that carries moto's hook: botocore runs every `before-send` "
                    "handler, so moto parses the omics request and throws its answer away."
                )

    scale = results.get("scale")
    if scale:
        main = scale["main"]
        batch = main["batch"]
        report.heading(
            f"Scale: StartRunBatch of {batch['runs']:,} runs from an S3 settings file, to PROCESSED"
        )
        per_10k = batch.get("rss_growth_bytes", 0) / batch["runs"] * 10_000
        rows = [
            ["final status", batch["status"]],
            ["real time (StartRunBatch + polls)", f"{batch['real_seconds']:.2f} s"],
            [
                "GetBatch polls / virtual time",
                f"{batch['polls']} / {batch['virtual_seconds']:.0f} s",
            ],
            ["peak RSS of the process", f"{batch['peak_rss_bytes'] / MIB:.0f} MiB"],
            ["RSS growth during the batch", f"{batch.get('rss_growth_bytes', 0) / MIB:.0f} MiB"],
            ["RSS growth per 10,000 runs", f"{per_10k / MIB:.1f} MiB"],
        ]
        if "gc_seconds" in batch:
            collections = "/".join(str(c) for c in batch["gc_collections"])
            rows.append(
                [
                    "time in the cyclic GC (gc.callbacks); collections gen0/1/2",
                    f"{batch['gc_seconds']:.2f} s "
                    f"({_pct(batch['gc_seconds'] / batch['real_seconds'])}); {collections}",
                ]
            )
        if "traced" in scale:
            traced = scale["traced"]["batch"]
            rows.append(
                [
                    f"tracemalloc, {traced['runs']:,} runs: retained / peak per 10,000 runs",
                    f"{traced['traced_current_bytes'] / traced['runs'] * 10_000 / MIB:.1f} MiB / "
                    f"{traced['traced_peak_bytes'] / traced['runs'] * 10_000 / MIB:.1f} MiB",
                ]
            )
        report.table(["measure", "value"], rows)
        if "traced" in scale:
            traced = scale["traced"]["batch"]
            report.heading(
                f"Scale: memory retained per run, by allocation site ({traced['runs']:,} runs)"
            )
            rows = [
                [site["site"], f"{site['bytes_per_run']:.0f} B", f"{site['blocks_per_run']:.2f}"]
                for site in traced["retained_by_site"]
            ]
            report.table(["site (tracemalloc, after gc.collect)", "bytes/run", "blocks/run"], rows)
        if "profiled" in scale:
            profiled = scale["profiled"]["batch"]
            report.heading(f"Scale: cProfile of the batch ({profiled['runs']:,} runs), cumulative")
            rows = [
                [entry["function"], f"{entry['calls']:,}", _pct(entry["share"])]
                for entry in profiled["profile"]["by_cumulative"]
            ]
            report.table(["function", "calls", "share of profiled time"], rows)
            report.note("")
            rows = [
                [entry["function"], f"{entry['calls']:,}", _pct(entry["share"])]
                for entry in profiled["profile"]["by_own_time"]
            ]
            report.table(["function (by own time)", "calls", "share of profiled time"], rows)
        if batch["runs"] >= 100_000:
            targets.append(
                [
                    "100,000-run batch <= 4 s real",
                    f"{batch['real_seconds']:.2f} s",
                    _verdict(batch["real_seconds"] <= TARGET_BATCH_SECONDS),
                ]
            )
            targets.append(
                [
                    "100,000-run batch <= 200 MiB peak RSS",
                    f"{batch['peak_rss_bytes'] / MIB:.0f} MiB",
                    _verdict(batch["peak_rss_bytes"] <= TARGET_BATCH_BYTES),
                ]
            )
        listing = main.get("list")
        if listing:
            report.heading("Scale: ListRuns (maxResults=100) by stored runs")
            rows = [[name, _ms(case["median"])] for name, case in listing["cases"].items()]
            report.table(["case", "median per call"], rows)
            report.note("")
            deep = listing.get("deep_page_ratio")
            report.note(
                f"First page, {listing['stored_big']:,} vs {listing['stored_small']} stored: "
                f"{listing['first_page_ratio']:.2f}x; a page further down: "
                + (f"{deep:.2f}x" if deep is not None else "n/a (one page only)")
                + f"; name filter: {listing['name_filter_ratio']:.2f}x"
                + f"; status filter: {listing.get('status_filter_ratio', 0.0):.2f}x."
            )
            if listing["stored_big"] >= 100_000:
                ratio = max(listing["first_page_ratio"], listing.get("deep_page_ratio", 0.0))
                targets.append(
                    [
                        "ListRuns page flat, 100 vs 100,000 stored",
                        f"{ratio:.2f}x",
                        _verdict(ratio <= TARGET_FLAT),
                    ]
                )
                for kind in ("name", "status"):
                    found = listing.get(f"{kind}_filter_ratio")
                    if found is not None:
                        targets.append(
                            [
                                f"ListRuns {kind} filter flat, 100 vs 100,000 stored",
                                f"{found:.2f}x",
                                _verdict(found <= TARGET_FLAT),
                            ]
                        )

    fixed = results.get("fixed")
    if fixed:
        report.heading("Fixed costs")
        rows = []
        imports = fixed["import"]
        for kind, label in (("cached", "bytecode cached"), ("uncached", "no bytecode (-B)")):
            if kind in imports:
                data = imports[kind]
                rows.append(
                    [f"import omics_mock after import boto3, {label}", _ms(data["omics_mock"])]
                )
                rows.append(
                    [
                        f"  and its names (from omics_mock import mock_omics), {label}",
                        _ms(data["omics_mock_usable"]),
                    ]
                )
        if "cached" in imports:
            data = imports["cached"]
            rows.append(["  context: import boto3", _ms(data["boto3"])])
            rows.append(
                [
                    "  context: first activation in a process (model, specs, hooks)",
                    _ms(data["first_activation"]),
                ]
            )
            # The package loads its modules when a name is first used, so the target is
            # judged on what a user pays before the first mock: the import and the names.
            targets.append(
                [
                    "import omics_mock and from omics_mock import mock_omics <= 30 ms "
                    "(bytecode cached)",
                    _ms(data["omics_mock_usable"]),
                    _verdict(data["omics_mock_usable"] <= TARGET_IMPORT),
                ]
            )
        for name, case in fixed["enter_exit"].items():
            rows.append([name, _ms(case["median"])])
        enter = fixed["enter_exit"]["with mock_omics(): pass"]["median"]
        targets.append(
            ["with mock_omics(): pass <= 0.5 ms", _ms(enter), _verdict(enter <= TARGET_ENTER_EXIT)]
        )
        prologue = fixed["prologue"]
        for name, value in prologue["median"].items():
            label = (
                "pytest prologue total (activate, client, first call, deactivate)"
                if name == "total"
                else (f"  prologue: {name}")
            )
            rows.append([label, _ms(value)])
        if prologue["first_test"]:
            rows.append(
                [
                    "  context: first test of a process (builds the shared session)",
                    _ms(prologue["first_test"]["total"]),
                ]
            )
        total = prologue["median"]["total"]
        targets.append(["pytest prologue <= 3 ms", _ms(total), _verdict(total <= TARGET_PROLOGUE)])
        report.table(["measure", "median"], rows)
        added = imports.get("modules_added_besides_omics_mock")
        if added is not None:
            report.note("")
            report.note(
                f"Modules `import omics_mock` adds besides its own: {', '.join(added) or 'none'}."
            )

    profile = results.get("profile")
    if profile:
        report.heading("Profile: omics-mock's own time per call, timed in situ")
        if profile.get("missing"):
            report.note(f"Names not found (moved?): {', '.join(profile['missing'])}")
        layers = profile.get("layers", {})
        if layers:
            names = list(dict.fromkeys(name for op in layers.values() for name in op))
            rows = []
            for name in names:
                row = [name]
                for op in ("GetRun", "StartRun"):
                    values = layers.get(op, {})
                    own = (
                        values.get("own work, timed in situ (on_before_send + on_before_sign)")
                        or 0.0
                    )
                    value = values.get(name)
                    if value is None or (name.startswith("  of") and value == 0.0):
                        row.append("")
                        continue
                    share = (
                        ""
                        if name.startswith("whole call") or not own
                        else f" ({_pct(value / own)})"
                    )
                    row.append(_us(value) + share)
                rows.append(row)
            report.table(["layer (share of own work)", "GetRun", "StartRun"], rows)
            report.note("")
            report.note(
                f"Timer wrappers add about {_us(profile['wrapper_cost'])} each (hot-loop estimate)."
            )
        for op, data in profile.get("cprofile", {}).items():
            report.heading(
                f"cProfile, {op}: omics-mock functions by own time ({data['calls']} calls)"
            )
            rows = [
                [
                    t["function"],
                    f"{t['calls_per_call']:.0f}",
                    _pct(t["own_share"]),
                    _pct(t["cumulative_share"]),
                ]
                for t in data["top"]
            ]
            report.table(["function", "calls/call", "own", "cumulative"], rows)

    storage = results.get("storage")
    if storage:
        from .storage import report_rows

        report.heading("Storage: a read set uploaded and downloaded through the mock, in process")
        report.table(["measure", "value"], report_rows(storage))
        over = storage["peak_over_baseline_bytes"] / storage["size_bytes"]
        targets.append(
            [
                "read set upload + download: peak memory <= 1.25x its size",
                f"{over:.2f}x",
                _verdict(over <= TARGET_STORAGE_MEMORY),
            ]
        )

    served = results.get("server")
    if served:
        from .server import report as server_report

        calls_rows, thread_rows, server_targets = server_report(served)
        report.heading("Server mode: GetRun over HTTP (median per call; calls interleaved)")
        report.table(["case", "median per call", "vs in process"], calls_rows)
        report.note("")
        report.table(["StartRun + GetRun from threads, own clients", "throughput"], thread_rows)
        targets += [[name, measured, _verdict(ok)] for name, measured, ok in server_targets]

    shown = results.get("dashboard")
    if shown:
        from .dashboard import report as dashboard_report

        rows, dashboard_targets = dashboard_report(shown)
        report.heading(
            f"Dashboard and notebook displays, {shown['runs']:,} runs (median of "
            f"{shown['rounds']} rounds)"
        )
        report.table(["case", "median"], rows)
        targets += [[name, measured, _verdict(ok)] for name, measured, ok in dashboard_targets]

    if targets:
        report.heading("Targets")
        if results["sizes_name"] == "quick":
            report.note("Quick sizes measure nothing: no verdicts.")
            report.note("")
            targets = [[name, measured, "-"] for name, measured, _ in targets]
        report.table(["target", "measured", "verdict"], targets)
    return report.text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks that it runs, measures nothing"
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}"
    )
    parser.add_argument("--no-moto", action="store_true", help="skip the moto comparison")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables")
    parser.add_argument("--json", metavar="PATH", help="also write the raw results as JSON")
    parser.add_argument(
        "--section", choices=SECTIONS, help=argparse.SUPPRESS
    )  # child: one section, JSON out
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {SECTIONS}")
    sizes = QUICK if args.quick else FULL
    runners = {
        "calls": lambda: run_calls(sizes, not args.no_moto),
        "scale": lambda: run_scale(sizes),
        "fixed": lambda: run_fixed(sizes),
        "profile": lambda: run_profile(sizes),
        "storage": lambda: run_storage(sizes),
        "server": lambda: run_server(sizes),
        "dashboard": lambda: run_dashboard(sizes),
    }
    if args.section is not None:
        print(json.dumps(runners[args.section]()))
        return 0
    results: dict[str, Any] = {
        "machine": machine(),
        "sizes_name": "quick" if args.quick else "full",
    }
    started = time.perf_counter()
    for section in SECTIONS:
        if section not in chosen:
            continue
        print(f"[bench] {section} ...", file=sys.stderr, flush=True)
        if args.quick:  # nothing is measured: save the process start-ups
            results[section] = runners[section]()
        else:  # each section in a fresh process, so none inherits another's heap
            child = ["--section", section, *(["--no-moto"] if args.no_moto else [])]
            results[section] = _subprocess("bench.run", child)
    results["seconds"] = time.perf_counter() - started
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=1)
    sys.stdout.write(render(results, args.markdown))
    print(f"[bench] done in {results['seconds']:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
