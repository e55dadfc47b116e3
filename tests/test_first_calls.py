"""The first calls of an operation, made by many threads at once in a fresh process.

Validators are compiled on an operation's first call and cached for the whole
process, so only a fresh interpreter shows what happens when several threads
make that first call together.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

FIRST_CALLS_SCRIPT = textwrap.dedent(
    """
    import json, sys, threading
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
    from omics_mock import mock_omics

    THREADS = 8
    CALLS = {
        "list_runs": {},
        "get_run": {"id": "1234567"},
        "start_run_batch": {
            "defaultRunSetting": {"workflowId": "1234567", "roleArn": "arn:aws:iam::1:role/r"},
            "batchRunSettings": {"inlineSettings": [{"runSettingId": "a"}]},
        },
        "create_workflow": {"name": "w", "parameterTemplate": {"x": {"description": "d"}}},
    }
    answers = []
    with mock_omics():
        session = boto3.session.Session(region_name="us-east-1")
        config = Config(retries={"total_max_attempts": 1})
        for name, request in CALLS.items():
            clients = [session.client("omics", config=config) for _ in range(THREADS)]
            barrier = threading.Barrier(THREADS)

            def call(client, name=name, request=request, barrier=barrier):
                barrier.wait()
                try:
                    getattr(client, name)(**request)
                    answers.append((name, "ok"))
                except ClientError as error:
                    answers.append((name, error.response["Error"]["Code"]))

            threads = [threading.Thread(target=call, args=(c,)) for c in clients]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    print(json.dumps(answers))
    """
)


def test_first_concurrent_calls_of_each_operation_are_answered_normally() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_CALLS_SCRIPT],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(answers) == 32
    codes = {name: sorted({code for n, code in answers if n == name}) for name, _ in answers}
    assert codes == {
        "list_runs": ["ok"],
        "get_run": ["ResourceNotFoundException"],
        "start_run_batch": ["ResourceNotFoundException"],
        "create_workflow": ["ValidationException"],  # no definition: refused by the service
    }
