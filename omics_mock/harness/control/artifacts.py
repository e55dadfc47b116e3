"""``m.artifacts``: what runs wrote (without moto), and scripting what they write.

Reading: ``objects``, ``outputs``, ``log_events``, ``log_streams`` and ``events``
show what a run has written so far in the mock's virtual time, the same whether
or not moto's ``mock_aws`` is active (with moto, the same content is in moto's
S3, CloudWatch Logs and EventBridge).

Scripting: ``set_outputs``, ``set_task_logs`` and ``set_failure_logs`` say what a
workflow's future runs (``workflow_id``) or one active run (``run_id``) write;
``deny_bucket`` makes exports to a bucket fail without moto. ``flush`` writes into
moto at once what it would be handed before it next answers a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...service.run_artifacts import views
from ...service.run_artifacts.ops import RunArtifacts
from ...service.run_artifacts.script import ArtifactSteering, Script, lines, scripted_outputs
from ...service.runs.ops import find_run

if TYPE_CHECKING:
    from ...service.kernel.state import Backend, ServiceState

RunId = str | int


class ArtifactsControl:
    """Read what runs wrote; script what they write."""

    def __init__(self, state: Callable[[], ServiceState]) -> None:
        self._current = state

    @property
    def _state(self) -> ServiceState:
        return self._current()

    # -- reading ----------------------------------------------------------------------------

    def objects(
        self,
        run_id: RunId | None = None,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
    ) -> dict[str, bytes]:
        """S3 objects written so far (by ``s3://`` URI): one run's, or every run's."""
        return views.objects(*self._where(run_id, account_id, region))

    def outputs(
        self, run_id: RunId, *, account_id: str | None = None, region: str | None = None
    ) -> dict[str, bytes]:
        """Objects under the run's ``runOutputUri``, by key relative to it (``out/...``,
        ``logs/outputs.json``, ``logs/engine.log``)."""
        backend, trail = views.trail_of(self._state, _id(run_id), account_id, region)
        base = trail.run.run_output_uri.rstrip("/") + "/"
        return {
            uri[len(base) :]: body
            for uri, body in views.objects(backend, trail.run.id).items()
            if uri.startswith(base)
        }

    def log_events(
        self,
        stream: str,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
    ) -> list[dict[str, Any]]:
        """Events of one stream of ``/aws/omics/WorkflowLog`` (``timestamp`` ms, ``message``)."""
        backend = self._backend(account_id, region)
        return views.log_events(backend, _run_of_stream(stream)).get(stream, [])

    def log_streams(
        self,
        run_id: RunId | None = None,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
    ) -> list[str]:
        """Names of the streams written so far: one run's, or every run's."""
        return list(views.log_events(*self._where(run_id, account_id, region)))

    def events(
        self,
        run_id: RunId | None = None,
        *,
        detail_type: str | None = None,
        account_id: str | None = None,
        region: str = "us-east-1",
    ) -> list[dict[str, Any]]:
        """EventBridge events sent so far, as delivered (envelope and ``detail``)."""
        found = views.bus_events(*self._where(run_id, account_id, region))
        if detail_type is not None:
            found = [e for e in found if e["detail-type"] == detail_type]
        return found

    # -- scripting --------------------------------------------------------------------------

    def set_outputs(
        self,
        outputs: Mapping[str, Any],
        *,
        workflow_id: str | None = None,
        run_id: RunId | None = None,
    ) -> None:
        """What the declared outputs hold, by output name (Nextflow: the directory under
        ``/mnt/workflow/pubdir``). A value is the file's content (bytes or text), a
        ``(file name, content)`` pair, a list of those (an array of files), or a JSON
        value for outputs such as WDL ``Int``. Names the workflow does not declare are
        written too."""
        self._script(Script(outputs=scripted_outputs(outputs)), workflow_id, run_id)

    def set_task_logs(
        self,
        log_lines: Iterable[str] | str,
        *,
        task: str = "*",
        workflow_id: str | None = None,
        run_id: RunId | None = None,
    ) -> None:
        """The lines of a task's log stream (``task`` by name; ``"*"``: every task)."""
        script = Script(task_lines={task: lines(log_lines, "task log lines")})
        self._script(script, workflow_id, run_id)

    def set_failure_logs(
        self,
        log_lines: Iterable[str] | str,
        *,
        workflow_id: str | None = None,
        run_id: RunId | None = None,
    ) -> None:
        """The lines that end a failed run's engine log and its failed task's log."""
        script = Script(failure_lines=lines(log_lines, "failure log lines"))
        self._script(script, workflow_id, run_id)

    def deny_bucket(self, bucket: str) -> None:
        """Runs writing to ``bucket`` end FAILED with ``EXPORT_FAILED`` (as a bucket that
        does not exist would, which is what moto's S3 decides when it is active)."""
        if not isinstance(bucket, str) or not bucket:
            raise TypeError(f"bucket is a bucket name, not {bucket!r}")
        self._state.shared(ArtifactSteering).denied_buckets.add(bucket)

    # -- moto ---------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write into moto now what runs wrote by now. moto is handed it anyway before it
        answers any request in this process, and when the mock stops; call this before
        reading moto's backends directly (``moto.s3.models.s3_backends``...)."""
        self._state.catch_up_all()

    # -- helpers ------------------------------------------------------------------------------

    def _script(self, script: Script, workflow_id: str | None, run_id: RunId | None) -> None:
        if (workflow_id is None) == (run_id is None):
            raise TypeError("give exactly one of workflow_id and run_id")
        if workflow_id is not None:
            self._state.shared(ArtifactSteering).add(str(workflow_id), script)
            return
        backend, run = find_run(self._state, _id(run_id), None, None)
        with backend.lock:
            if not run.is_active:
                raise ValueError(f"run {run.id} already ended ({run.status})")
            backend.get(RunArtifacts).set_script(run, script)

    def _backend(self, account_id: str | None, region: str) -> Backend:
        return self._state.backend(account_id, region)

    def _where(
        self, run_id: RunId | None, account_id: str | None, region: str
    ) -> tuple[Backend, str | None]:
        if run_id is None:
            return self._backend(account_id, region), None
        backend, trail = views.trail_of(self._state, _id(run_id), account_id, None)
        return backend, trail.run.id


def _id(run_id: Any) -> str:
    if isinstance(run_id, int) and not isinstance(run_id, bool):
        return str(run_id)
    if not isinstance(run_id, str):
        raise TypeError(f"a run ID is a string such as '1234567', not {run_id!r}")
    return run_id


def _run_of_stream(stream: str) -> str | None:
    """The run whose items hold ``stream`` (``run/<id>...``, ``manifest/run/<id>/...``)."""
    parts = stream.split("/")
    if parts[0] == "run" and len(parts) > 1:
        return parts[1]
    if parts[:2] == ["manifest", "run"] and len(parts) > 2:
        return parts[2]
    return None
