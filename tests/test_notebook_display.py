"""What notebooks show: the mock as a table of runs, a run's timeline as SVG and text."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from omics_mock import OmicsMock, mock_omics
from omics_mock.harness.display import table
from omics_mock.pytest_plugin import omics_client_for

from .dashboard_world import TASKS, World, populate, start_run
from .helpers import OUT, ROLE
from .snapshot_world import OWNER, build_world
from .snapshot_world import client as snapshot_client


class Tree(HTMLParser):
    """Every start tag with its attributes and the text inside it (for class look-ups)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def having(self, tag: str, css_class: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and css_class in attrs.get("class", "").split()
        ]


@pytest.fixture
def world(omics_mock: OmicsMock, omics: Any) -> World:
    return populate(omics, omics_mock)


def test_the_mock_shows_a_row_per_run(omics_mock: OmicsMock, world: World) -> None:
    tree = Tree(omics_mock._repr_html_())
    rows = tree.having("tr", "run")
    assert len(rows) == 10
    assert {row["data-run"] for row in rows} >= set(world.runs.values())


def test_statuses_are_coloured_by_class(omics_mock: OmicsMock, world: World) -> None:
    tree = Tree(omics_mock._repr_html_())
    for status in world.runs:
        [*badges] = tree.having("span", f"status-{status}")
        assert badges and all("background:" in badge["style"] for badge in badges), status


def test_rows_are_capped_with_a_note(omics_mock: OmicsMock, omics: Any, world: World) -> None:
    for _ in range(table.ROWS + 5):
        omics.start_run(
            workflowId=world.workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
        )
    tree = Tree(omics_mock._repr_html_())
    assert len(tree.having("tr", "run")) == table.ROWS
    assert len(tree.having("div", "more")) == 1
    assert f"{10 + table.ROWS + 5 - table.ROWS} more run(s)" in "".join(tree.text)


def test_a_malicious_name_is_text(omics_mock: OmicsMock, omics: Any, world: World) -> None:
    evil = "<script>alert(1)</script>"
    run = start_run(omics, world.workflow, evil)
    shown = omics_mock._repr_html_()
    assert evil not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert not [tag for tag, _ in Tree(shown).tags if tag == "script"]
    omics_mock.clock.advance(minutes=3)
    timeline = omics_mock.runs.timeline(run)
    for markup in (timeline._repr_html_(), timeline._repr_svg_()):
        assert evil not in markup and "&lt;script&gt;" in markup
        assert not [tag for tag, _ in Tree(markup).tags if tag == "script"]


def test_each_account_and_region_has_its_table(omics_mock: OmicsMock, world: World) -> None:
    elsewhere = omics_client_for(
        "eu-west-1", aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    elsewhere.create_run_group(name="elsewhere")
    text = "".join(Tree(omics_mock._repr_html_()).text)
    assert "Account 123456789012, us-east-1" in text
    assert "Account 111122223333, eu-west-1" in text
    assert "run groups: 1" in text


def test_a_fresh_mock_says_nothing_is_used_yet() -> None:
    mock = mock_omics()
    assert "No account or Region has been used yet" in mock._repr_html_()


# -- timeline ----------------------------------------------------------------------------


def test_the_timeline_has_one_bar_per_task(omics_mock: OmicsMock, world: World) -> None:
    timeline = omics_mock.runs.timeline(world.runs["COMPLETED"])
    svg = Tree(timeline._repr_svg_())
    assert len(svg.having("rect", "task")) == TASKS
    assert [rect["class"] for rect in svg.having("rect", "task")] == ["task st-COMPLETED"] * TASKS
    assert len(svg.having("rect", "phase")) == 4  # PENDING, STARTING, RUNNING, STOPPING
    assert "align" in svg.text and "call_variants" in svg.text


def test_a_failed_run_shows_its_reason(omics_mock: OmicsMock, world: World) -> None:
    timeline = omics_mock.runs.timeline(world.runs["FAILED"])
    tree = Tree(timeline._repr_html_())
    assert [rect["class"] for rect in tree.having("rect", "task")][-1] == "task st-FAILED"
    assert "failure reason: OutOfMemory" in "".join(tree.text)


def test_planned_tasks_of_a_running_run_are_dashed(
    omics_mock: OmicsMock, omics: Any, world: World
) -> None:
    run = omics.start_run(
        workflowId=world.workflow, roleArn=ROLE, outputUri=OUT, parameters={"sample": "x"}
    )["id"]
    omics_mock.clock.advance(minutes=3)  # RUNNING, in its first task
    tree = Tree(omics_mock.runs.timeline(run).to_svg())
    statuses = [rect["class"] for rect in tree.having("rect", "task")]
    assert statuses == ["task st-RUNNING", "task st-PLANNED"]
    assert "stroke-dasharray" in tree.having("rect", "st-PLANNED")[0]
    assert tree.having("line", "now")


def test_a_run_not_running_yet_has_no_bars(omics_mock: OmicsMock, world: World) -> None:
    timeline = omics_mock.runs.timeline(world.runs["PENDING"])
    assert Tree(timeline.to_svg()).having("rect", "task") == []
    assert f"no task has started yet ({TASKS} planned)" in str(timeline)


def test_the_timeline_as_text(omics_mock: OmicsMock, world: World) -> None:
    timeline = omics_mock.runs.timeline(world.runs["FAILED"])
    text = str(timeline)
    lines = text.splitlines()
    assert lines[0].startswith(f"Run {world.runs['FAILED']} 'broken' FAILED, workflow ")
    assert "failure reason: OutOfMemory" in text
    assert "PENDING 0s-30s | STARTING 30s-2m30s | RUNNING" in text
    assert [line.split()[:2] for line in lines[-TASKS:]] == [
        ["align", "COMPLETED"],
        ["call_variants", "FAILED"],
    ]
    assert repr(timeline) == f"<RunTimeline run {world.runs['FAILED']} FAILED, 2 task(s)>"


def test_the_timeline_is_a_snapshot(omics_mock: OmicsMock, world: World) -> None:
    run = world.runs["RUNNING"]
    before = omics_mock.runs.timeline(run)
    shown = before.to_svg()
    omics_mock.runs.release(run)
    omics_mock.clock.advance(hours=1)
    assert before.to_svg() == shown
    assert omics_mock.runs.timeline(run).status == "COMPLETED"


def test_timeline_of_an_unknown_run_is_a_key_error(omics_mock: OmicsMock) -> None:
    with pytest.raises(KeyError, match="no run 1234567"):
        omics_mock.runs.timeline("1234567")


# -- read-only ---------------------------------------------------------------------------


def what_the_api_says(omics: Any, runs: list[str]) -> list[Any]:
    return [
        [(r["id"], r["status"]) for r in omics.list_runs()["items"]],
        [omics.get_run(id=run)["status"] for run in runs],
        [[t["taskId"] for t in omics.list_run_tasks(id=run)["items"]] for run in runs],
    ]


def watched(watch: bool) -> list[Any]:
    """The same history in a fresh mock, displayed at every turn or never; what the
    AWS API then says (task IDs included: a display that handed out IDs would shift them)."""
    with mock_omics() as mock:
        omics = omics_client_for()
        runs = list(populate(omics, mock).runs.values())
        if watch:
            now, logged = mock.clock.now(), mock.requests.total
            for _ in range(2):
                mock._repr_html_()
                mock.overview(limit=10_000)
                for run in runs:
                    timeline = mock.runs.timeline(run)
                    timeline._repr_html_(), str(timeline)
            assert (mock.clock.now(), mock.requests.total) == (now, logged)
        return what_the_api_says(omics, runs)


def test_displays_change_nothing() -> None:
    assert watched(True) == watched(False)


# -- overview ----------------------------------------------------------------------------


def test_overview_is_the_dashboards_data(omics_mock: OmicsMock, world: World) -> None:
    [backend] = omics_mock.overview(status="RUNNING")["backends"]
    assert [run["id"] for run in backend["runs"]["items"]] == [world.runs["RUNNING"]]


def test_overview_lists_the_jobs_of_both_planes() -> None:
    with mock_omics() as mock:
        world = build_world(mock)
        mock.clock.scale = 0
        omics = snapshot_client()
        store = {"sequenceStoreId": world.store}
        references = {"referenceStoreId": world.reference_store}
        listed = {
            "read set import": omics.list_read_set_import_jobs(**store)["importJobs"],
            "read set export": omics.list_read_set_export_jobs(**store)["exportJobs"],
            "reference import": omics.list_reference_import_jobs(**references)["importJobs"],
            "variant import": omics.list_variant_import_jobs()["variantImportJobs"],
        }
        [backend] = [b for b in mock.overview()["backends"] if b["account_id"] == OWNER]
        jobs = backend["jobs"]
    shown = {(job["kind"], job["id"], job["status"]) for job in jobs["items"]}
    expected = {(kind, job["id"], job["status"]) for kind, items in listed.items() for job in items}
    assert shown == expected and jobs["total"] == len(expected) == 5
    times = [job["creation_time"] for job in jobs["items"]]
    assert times == sorted(times, reverse=True)
    assert all(job["parts"] == 1 for job in jobs["items"])


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"status": "BOGUS"}, ValueError),
        ({"status": 3}, TypeError),
        ({"offset": -1}, ValueError),
        ({"offset": "0"}, TypeError),
        ({"limit": 0}, ValueError),
        ({"limit": 10_001}, ValueError),
        ({"limit": True}, TypeError),
        ({"account_id": "12"}, ValueError),
        ({"region": ""}, ValueError),
    ],
)
def test_overview_refuses_bad_arguments(
    omics_mock: OmicsMock, arguments: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        omics_mock.overview(**arguments)
