"""Server mode's dashboard: the page, and the read-only endpoints it polls."""

from __future__ import annotations

import re
from typing import Any

import pytest

from omics_mock.server import ThreadedServer

from .dashboard_world import TASKS, World, populate
from .server_http import call

STATE = "/_omics_mock/dashboard/state"


@pytest.fixture
def world(omics_server: ThreadedServer, omics_server_client: Any) -> World:
    return populate(omics_server_client, omics_server.control)


def state(server: ThreadedServer, query: str = "") -> dict[str, Any]:
    status, body, _ = call(server, "GET", STATE + query)
    assert status == 200, body
    assert isinstance(body, dict)
    return body


def runs_of(answer: dict[str, Any]) -> dict[str, Any]:
    [backend] = answer["backends"]
    runs: dict[str, Any] = backend["runs"]
    return runs


# -- the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/_omics_mock/", "/_omics_mock"])
def test_the_page_is_one_html_document(omics_server: ThreadedServer, path: str) -> None:
    status, body, response = call(omics_server, "GET", path)
    assert status == 200
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert body.startswith(b"<!DOCTYPE html>") and body.rstrip().endswith(b"</html>")
    assert b"/dashboard/state" in body


def test_the_page_loads_nothing_from_elsewhere(omics_server: ThreadedServer) -> None:
    _, body, response = call(omics_server, "GET", "/_omics_mock/")
    page = body.decode()
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) is None
    assert "@import" not in page and "url(" not in page
    policy = response.getheader("Content-Security-Policy")
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy


def test_head_of_the_page_has_no_body(omics_server: ThreadedServer) -> None:
    status, body, response = call(omics_server, "HEAD", "/_omics_mock/")
    assert (status, body) == (200, b"")
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"


def test_posting_to_the_page_is_refused(omics_server: ThreadedServer) -> None:
    status, body, _ = call(omics_server, "POST", "/_omics_mock/", {})
    assert status == 405 and "GET" in body["error"]


# -- /dashboard/state --------------------------------------------------------------------


def test_state_shows_runs_in_every_status(omics_server: ThreadedServer, world: World) -> None:
    runs = runs_of(state(omics_server))
    by_id = {run["id"]: run for run in runs["items"]}
    for status, run_id in world.runs.items():
        assert by_id[run_id]["status"] == status
    assert runs["counts"]["COMPLETED"] == 4  # "done" and the batch's three
    assert runs["total"] == runs["matching"] == len(runs["items"]) == 10


def test_state_lays_out_the_tasks_of_a_run(omics_server: ThreadedServer, world: World) -> None:
    runs = runs_of(state(omics_server))
    [done] = [run for run in runs["items"] if run["id"] == world.runs["COMPLETED"]]
    assert [task["name"] for task in done["tasks"]] == ["align", "call_variants"]
    assert [task["status"] for task in done["tasks"]] == ["COMPLETED"] * TASKS
    first, second = done["tasks"]
    assert first["end"] == second["start"] and first["start"] < first["end"]
    assert [phase["status"] for phase in done["phases"]] == [
        "PENDING",
        "STARTING",
        "RUNNING",
        "STOPPING",
    ]
    assert done["span"] == done["phases"][-1]["end"]


def test_state_shows_why_a_run_failed(omics_server: ThreadedServer, world: World) -> None:
    runs = runs_of(state(omics_server, "?status=FAILED"))
    [failed] = runs["items"]
    assert (failed["id"], failed["failure_reason"]) == (world.runs["FAILED"], "OutOfMemory")
    assert failed["tasks"][-1]["status"] == "FAILED"


def test_state_shows_the_other_resources(omics_server: ThreadedServer, world: World) -> None:
    [backend] = state(omics_server)["backends"]
    [group] = backend["run_groups"]["items"]
    assert (group["id"], group["queued"], group["running"]) == (world.group, 1, 1)
    [batch] = backend["batches"]["items"]
    assert (batch["id"], batch["status"], batch["total_runs"]) == (world.batch, "PROCESSED", 3)
    assert batch["submissions"] == {"successful": 3, "failed": 0, "pending": 0}
    assert batch["runs"] == {"COMPLETED": 3}
    [workflow] = backend["workflows"]["items"]
    assert (workflow["id"], [v["name"] for v in workflow["versions"]]) == (world.workflow, ["v2"])
    for kind in ("run_caches", "sequence_stores", "reference_stores"):
        assert backend[kind]["total"] == 1, kind
    for kind in ("read_sets", "references", "variant_stores", "annotation_stores", "jobs"):
        assert backend[kind] == {"total": 0, "items": []}, kind


def test_a_status_filter_and_a_page(omics_server: ThreadedServer, world: World) -> None:
    completed = runs_of(state(omics_server, "?status=COMPLETED"))
    assert completed["matching"] == 4 and {r["status"] for r in completed["items"]} == {"COMPLETED"}
    page = runs_of(state(omics_server, "?offset=2&limit=3"))
    everything = runs_of(state(omics_server))["items"]
    assert [r["id"] for r in page["items"]] == [r["id"] for r in everything[2:5]]
    assert (page["offset"], page["limit"], page["matching"]) == (2, 3, 10)


def test_runs_are_newest_first(omics_server: ThreadedServer, world: World) -> None:
    items = runs_of(state(omics_server))["items"]
    created = [run["creation_time"] for run in items]
    assert created == sorted(created, reverse=True)
    assert items[-1]["id"] == world.runs["COMPLETED"]


def test_one_account_and_region(omics_server: ThreadedServer, world: World) -> None:
    assert len(state(omics_server, "?account_id=123456789012&region=us-east-1")["backends"]) == 1
    assert state(omics_server, "?region=eu-west-1")["backends"] == []


def test_the_run_endpoint_has_all_its_tasks(omics_server: ThreadedServer, world: World) -> None:
    status, body, _ = call(
        omics_server, "GET", f"/_omics_mock/dashboard/runs/{world.runs['FAILED']}"
    )
    assert status == 200
    assert body["run"]["status"] == "FAILED" and len(body["run"]["tasks"]) == TASKS
    assert set(body["clock"]) == {"now", "offset_seconds", "scale"}


def test_an_unknown_run_is_404(omics_server: ThreadedServer) -> None:
    status, body, _ = call(omics_server, "GET", "/_omics_mock/dashboard/runs/1234567")
    assert status == 404 and "1234567" in body["error"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?status=BOGUS", "status must be one of"),
        ("?status=DELETED", "status must be one of"),
        ("?offset=-1", "offset must be a whole number"),
        ("?offset=x", "offset must be a whole number"),
        ("?limit=0", "limit must be a whole number from 1 to 10000"),
        ("?limit=10001", "limit must be a whole number from 1 to 10000"),
        ("?limit=%EF%BC%91", "limit must be a whole number"),
        ("?account_id=12", "account_id must be 12 digits"),
        ("?region=US%20EAST", "region must be a Region name"),
        ("?colour=red", "unknown query parameter(s) ['colour']"),
    ],
)
def test_bad_queries_are_refused(omics_server: ThreadedServer, query: str, named: str) -> None:
    status, body, _ = call(omics_server, "GET", STATE + query)
    assert status == 400 and named in body["error"]


# -- read-only ---------------------------------------------------------------------------


def answers(client: Any, runs: list[str]) -> list[Any]:
    """What the AWS API says about the runs and their tasks (task IDs included)."""
    listed = client.list_runs()["items"]
    return [
        sorted((run["id"], run["status"]) for run in listed),
        [client.get_run(id=run)["status"] for run in runs],
        [[t["taskId"] for t in client.list_run_tasks(id=run)["items"]] for run in runs],
    ]


def test_reading_the_dashboard_changes_nothing(
    omics_server: ThreadedServer, omics_server_client: Any, world: World
) -> None:
    """Virtual time stands still here (scale 0): reading moves neither it nor the runs,
    and no request is logged."""
    runs = list(world.runs.values())
    now = call(omics_server, "GET", "/_omics_mock/clock")[1]["now"]
    before = answers(omics_server_client, runs), call(omics_server, "GET", "/_omics_mock/state")[1]
    for _ in range(3):
        state(omics_server)
        for run in runs:
            call(omics_server, "GET", f"/_omics_mock/dashboard/runs/{run}")
    assert call(omics_server, "GET", "/_omics_mock/clock")[1]["now"] == now
    requests = before[1]["requests"]
    after = call(omics_server, "GET", "/_omics_mock/state")[1]
    assert after["requests"] == requests
    assert answers(omics_server_client, runs) == before[0]


def test_reading_the_dashboard_hands_out_no_task_ids(
    omics_server: ThreadedServer, omics_server_client: Any
) -> None:
    """Two servers with the same history, one of them watched: the same answers,
    task IDs included (a display that handed out IDs would shift them)."""
    watched = populate(omics_server_client, omics_server.control)
    state(omics_server)
    for run in watched.runs.values():
        call(omics_server, "GET", f"/_omics_mock/dashboard/runs/{run}")
    seen = answers(omics_server_client, list(watched.runs.values()))
    omics_server.app.reset()
    unwatched = populate(omics_server_client, omics_server.control)
    assert unwatched.runs == watched.runs
    assert answers(omics_server_client, list(unwatched.runs.values())) == seen


def test_reading_steps_no_run_under_per_poll_progress(
    omics_server: ThreadedServer, omics_server_client: Any, world: World
) -> None:
    """Under per_poll progress GetRun moves a run one phase on; the dashboard does not."""
    call(omics_server, "POST", "/_omics_mock/progress", {"mode": "per_poll"})
    starting = world.runs["STARTING"]
    for _ in range(3):
        state(omics_server)
        call(omics_server, "GET", f"/_omics_mock/dashboard/runs/{starting}")
    assert call(omics_server, "GET", f"/_omics_mock/runs/{starting}")[1]["status"] == "STARTING"
    assert omics_server_client.get_run(id=starting)["status"] == "RUNNING"
