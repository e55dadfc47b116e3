"""The control API refuses bad input where it is given, and the mock keeps answering.

Every refusal is a ``TypeError`` (wrong kind of value), ``ValueError`` (out of
range), ``AttributeError`` (unknown setting) or ``KeyError`` (unknown run), with
a message naming what was wrong; nothing refused reaches a later request.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import pytest

from omics_mock import Durations, Outcome, Quotas, RunTiming, Settings, mock_omics

BAD_OUTCOMES: list[tuple[Any, type[Exception], str]] = [
    (("BOGUS", "why"), ValueError, "COMPLETED or FAILED, not 'BOGUS'"),
    ("RUNNING", ValueError, "COMPLETED or FAILED"),
    (("COMPLETED", "why"), ValueError, "only a FAILED outcome"),
    (("FAILED", "x" * 65), ValueError, "less than or equal to 64"),
    (("FAILED", "two\nlines"), ValueError, "regular expression pattern"),
    (("FAILED", "reason", "\x00"), ValueError, "regular expression pattern"),
    (("FAILED", 7), TypeError, "must be a string"),
    (["FAILED", "why"], TypeError, "an outcome is"),
    (42, TypeError, "an outcome is"),
    (None, TypeError, "an outcome is"),
]


def finish_one_run(omics: Any, mock: Any, start: Callable[..., str]) -> dict[str, Any]:
    run_id = start()
    mock.clock.advance(hours=1)
    return dict(omics.get_run(id=run_id))


@pytest.mark.parametrize(("outcome", "error", "message"), BAD_OUTCOMES, ids=repr)
def test_bad_default_outcome_is_refused_and_runs_still_complete(
    omics: Any, omics_mock: Any, start: Any, outcome: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        omics_mock.runs.set_default_outcome(outcome)
    assert finish_one_run(omics, omics_mock, start)["status"] == "COMPLETED"


@pytest.mark.parametrize(("outcome", "error", "message"), BAD_OUTCOMES[:6], ids=repr)
def test_bad_outcome_of_one_run_is_refused(
    omics: Any, omics_mock: Any, start: Any, outcome: Any, error: type[Exception], message: str
) -> None:
    run_id = start()
    with pytest.raises(error, match=message):
        omics_mock.runs.set_outcome(run_id, outcome)
    omics_mock.clock.advance(hours=1)
    assert omics.get_run(id=run_id)["status"] == "COMPLETED"


def test_a_script_with_one_bad_outcome_is_refused_whole(
    omics: Any, omics_mock: Any, workflow: str, start: Any
) -> None:
    with pytest.raises(ValueError, match="BOGUS"):
        omics_mock.runs.script(workflow, ["FAILED", ("BOGUS", "why")])
    with pytest.raises(TypeError, match="wrap a single one in a list"):
        omics_mock.runs.script(workflow, "FAILED")
    assert finish_one_run(omics, omics_mock, start)["status"] == "COMPLETED"


def test_outcome_checks_its_values_when_made() -> None:
    with pytest.raises(ValueError, match="BOGUS"):
        Outcome("BOGUS")
    assert Outcome("FAILED", "OutOfMemory", "Task ran out of memory").reason == "OutOfMemory"


def test_failing_a_run_with_an_unshowable_reason_is_refused(
    omics: Any, omics_mock: Any, start: Any
) -> None:
    run_id = start()
    with pytest.raises(ValueError, match="less than or equal to 64"):
        omics_mock.runs.fail(run_id, reason="r" * 100)
    with pytest.raises(TypeError, match="immediately must be True or False"):
        omics_mock.runs.fail(run_id, immediately="yes")
    assert omics.get_run(id=run_id)["status"] == "PENDING"
    omics_mock.runs.fail(run_id, reason="OutOfMemory")
    assert omics.get_run(id=run_id)["failureReason"] == "OutOfMemory"


# -- settings --------------------------------------------------------------------------

BAD_SETTINGS: list[tuple[str, Any, type[Exception], str]] = [
    ("quotas.max_runs", "ten", TypeError, "Quotas.max_runs must be a whole number"),
    ("quotas.max_runs", 2.5, TypeError, "whole number"),
    ("quotas.max_runs", True, TypeError, "whole number"),
    ("quotas.max_runs", -1, ValueError, "at least 0"),
    ("quotas.max_concurrent_runs", None, TypeError, "whole number"),
    ("quotas.start_run_tps", 0, ValueError, "at least 0.001"),
    ("quotas.start_run_tps", float("nan"), ValueError, "finite"),
    ("quotas.cancel_run_tps", float("inf"), ValueError, "finite"),
    ("quotas.delete_run_tps", "10", TypeError, "must be a number"),
    ("durations.workflow_creating", -5, ValueError, "must not be negative"),
    ("durations.batch_creating", float("nan"), ValueError, "finite"),
    ("durations.batch_validating", 1e308, ValueError, "at most 100 years"),
    ("durations.share_activating", _dt.timedelta(days=10**6), ValueError, "at most 100 years"),
    ("durations.configuration_creating", "20s", TypeError, "timedelta or a number"),
    ("durations.run", None, TypeError, "must be a RunTiming"),
    ("durations.run.pending", -1, ValueError, "RunTiming.pending must not be negative"),
    ("durations.run.task", float("inf"), ValueError, "finite"),
    ("durations.run.running", "long", TypeError, "timedelta or a number"),
    ("default_account_id", "1234", ValueError, "12 digits"),
    ("default_account_id", 123456789012, TypeError, "must be a string"),
    ("default_storage_type", "static", ValueError, r"one of \['STATIC', 'DYNAMIC'\]"),
    ("retain_runs_evict_remove_runs", "no", TypeError, "True or False"),
    ("quotas", {"max_runs": 3}, TypeError, "must be a Quotas"),
    ("request_log_size", -1, ValueError, "at least 0"),
]


def assign(settings: Settings, path: str, value: Any) -> None:
    *parents, name = path.split(".")
    target: Any = settings
    for parent in parents:
        target = getattr(target, parent)
    setattr(target, name, value)


@pytest.mark.parametrize(("path", "value", "error", "message"), BAD_SETTINGS, ids=repr)
def test_a_wrong_setting_is_refused_when_set_and_nothing_changes(
    omics: Any,
    omics_mock: Any,
    start: Any,
    path: str,
    value: Any,
    error: type[Exception],
    message: str,
) -> None:
    before = repr(omics_mock.settings)
    with pytest.raises(error, match=message):
        assign(omics_mock.settings, path, value)
    assert repr(omics_mock.settings) == before
    assert finish_one_run(omics, omics_mock, start)["status"] == "COMPLETED"


@pytest.mark.parametrize(
    ("path", "near"),
    [
        ("quotas.max_run", "max_runs"),
        ("durations.workflow_create", "workflow_creating"),
        ("durations.run.runing", "running"),
        ("default_acount_id", "default_account_id"),
    ],
)
def test_a_misspelt_setting_is_an_attribute_error_suggesting_the_name(
    omics_mock: Any, path: str, near: str
) -> None:
    with pytest.raises(AttributeError, match=f"did you mean '{near}'.*its settings are"):
        assign(omics_mock.settings, path, 3)


def test_durations_take_seconds_or_timedeltas(omics: Any, omics_mock: Any, start: Any) -> None:
    omics_mock.settings.durations.run.pending = 10
    omics_mock.settings.durations.workflow_updating = _dt.timedelta(minutes=1)
    assert omics_mock.settings.durations.run.pending == _dt.timedelta(seconds=10)
    assert omics_mock.settings.durations.workflow_updating == _dt.timedelta(minutes=1)
    run_id = start()
    omics_mock.clock.advance(seconds=11)
    assert omics.get_run(id=run_id)["status"] == "STARTING"


def test_settings_classes_stay_dataclasses_that_check_their_arguments() -> None:
    import dataclasses

    assert dataclasses.replace(Quotas(), max_runs=3).max_runs == 3
    assert dataclasses.asdict(RunTiming(pending=5))["pending"] == _dt.timedelta(seconds=5)
    with pytest.raises(ValueError, match="at least 0"):
        Quotas(max_workflows=-2)
    with pytest.raises(TypeError, match="must be a Durations"):
        Settings(durations=Quotas())  # type: ignore[arg-type]
    assert Durations().batch_creating == _dt.timedelta(seconds=2)


def test_a_mock_with_a_malformed_default_account_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        mock_omics(account_id="not-an-account")


# -- other controls ------------------------------------------------------------------------


BAD_CALLS: list[tuple[Callable[[Any], Any], type[Exception], str]] = [
    (lambda m: m.runs.set_durations(pending=-1), ValueError, "pending must not be negative"),
    (lambda m: m.runs.set_durations(running=float("nan")), ValueError, "finite"),
    (lambda m: m.runs.set_durations(task="5"), TypeError, "timedelta or a number"),
    (lambda m: m.runs.set_durations(stopping=1e300), ValueError, "at most 100 years"),
    (lambda m: m.runs.set_durations(workflow_id=5, pending=1), TypeError, "workflow_id"),
    (
        lambda m: m.runs.set_durations(workflow_id="1", run_id="2", pending=1),
        ValueError,
        "not both",
    ),
    (lambda m: m.runs.complete(1234567.0), TypeError, "run_id must be a string"),
    (lambda m: m.runs.keep_running(""), ValueError, "run_id must not be empty"),
    (lambda m: m.runs.release("1234567"), KeyError, "no run 1234567"),
    (lambda m: m.runs.get("1234567", account_id="x"), ValueError, "12 digits"),
    (lambda m: setattr(m.runs, "progress", "fast"), ValueError, "progress is one of"),
    (lambda m: m.faults.inject("StartRun", times="2"), TypeError, "times must be a whole"),
    (lambda m: m.faults.inject("StartRun", times=0), ValueError, "times must be at least 1"),
    (lambda m: m.faults.inject(["StartRun"]), TypeError, "operation must be a string"),
    (lambda m: m.faults.inject("StartRun", message=5), TypeError, "message must be a string"),
    (lambda m: m.accounts.map("AKIA", 111122223333), TypeError, "12-digit string"),
    (lambda m: m.accounts.map(5, "111122223333"), TypeError, "access_key_id"),
    (lambda m: m.s3.put_object("s3://b/k", 5), TypeError, "data must be bytes or str"),
    (lambda m: m.s3.put_object("http://b/k", b""), ValueError, "S3 object URI"),
    (lambda m: m.s3.put_object(None, b""), TypeError, "uri must be a string"),
    (lambda m: m.s3.put_object("s3://b/k", "\ud800"), ValueError, "UTF-8 cannot encode"),
    (lambda m: m.ready2run.add("abc", "name"), ValueError, "workflow_id"),
    (lambda m: m.ready2run.add("1234567", "n", engine="BASH"), ValueError, "engine"),
    (lambda m: m.ready2run.add("1234567", "n", required="a"), TypeError, "required"),
    (lambda m: m.inspect(account_id=123), TypeError, "account_id"),
    (lambda m: m.inspect(region=None), TypeError, "region must be a string"),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [pytest.param(*case, id=case[2]) for case in BAD_CALLS],
)
def test_controls_refuse_bad_arguments_and_the_mock_keeps_answering(
    omics: Any,
    omics_mock: Any,
    start: Any,
    call: Callable[[Any], Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        call(omics_mock)
    assert omics_mock.faults.pending() == []
    assert finish_one_run(omics, omics_mock, start)["status"] == "COMPLETED"
