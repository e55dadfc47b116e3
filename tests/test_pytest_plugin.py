"""The pytest plugin as a user's test suite sees it (run in a child pytest)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixtures_give_an_active_mock_a_client_and_its_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_pipeline(omics_client, omics_mock, omics_clock):
            created = omics_client.create_run_group(name="g")
            assert omics_client.get_run_group(id=created["id"])["name"] == "g"
            before = omics_clock.now()
            omics_clock.advance(minutes=5)
            assert (omics_clock.now() - before).total_seconds() >= 300
            assert omics_mock.calls("CreateRunGroup")

        def test_next_test_starts_empty(omics_client):
            assert omics_client.list_run_groups()["items"] == []
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_simulation_bug_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_with_a_broken_event(omics_client, omics_mock):
            def broken(at):
                raise RuntimeError("simulated bug")
            omics_mock.inspect().scheduler.schedule(omics_mock.clock.now(), broken)
            omics_client.list_run_groups()
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*omics-mock's simulation raised 1 time(s)*simulated bug*"])


def test_decorated_class_keeps_setup_and_teardown_method_signatures(
    pytester: pytest.Pytester,
) -> None:
    """pytest passes ``method`` only to a ``setup_method`` that takes it."""
    pytester.makepyfile(
        """
        import boto3
        from omics_mock import active_mock, mock_omics

        def groups():
            client = boto3.client("omics", region_name="us-east-1")
            return [g["name"] for g in client.list_run_groups()["items"]]

        @mock_omics
        class TestWithMethodArgument:
            def setup_method(self, method):
                self.seen = method.__name__
                boto3.client("omics", region_name="us-east-1").create_run_group(name="g")

            def teardown_method(self, method):
                assert method.__name__ == self.seen
                assert active_mock() is not None

            def test_setup_data_is_there(self):
                assert (self.seen, groups()) == ("test_setup_data_is_there", ["g"])

        @mock_omics
        class TestWithoutMethodArgument:
            def setup_method(self):
                boto3.client("omics", region_name="us-east-1").create_run_group(name="h")

            def teardown_method(self):
                assert active_mock() is not None

            def test_setup_data_is_there(self):
                assert groups() == ["h"]

        @mock_omics
        class TestSetupOnly:
            def setup_method(self, method):
                self.name = method.__name__

            def test_runs(self):
                assert self.name == "test_runs" and groups() == []

        def test_no_mock_is_left_active():
            assert active_mock() is None
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_server_fixture_serves_other_processes_with_its_start_up_options(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(
        """
        [pytest]
        omics_server_time_scale = 100000
        omics_server_progress = per_poll
        """
    )
    pytester.makepyfile(
        """
        import json, subprocess, sys, time

        PORTS = []

        def test_a_run_completes_by_itself(omics_server, omics_server_client):
            PORTS.append(omics_server.port)
            assert omics_server.control.clock.scale == 100000
            assert omics_server.control.runs.progress == "per_poll"
            group = omics_server_client.create_run_group(name="g")["id"]
            code = (
                "import boto3, os; print(boto3.client('omics', region_name='us-east-1')"
                ".list_run_groups()['items'][0]['id'])"
            )
            env = omics_server.client_environment()
            done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                  text=True, timeout=60)
            assert done.stdout.strip() == group, done.stderr

        def test_the_next_test_starts_empty_on_the_same_port(omics_server, omics_server_client):
            assert omics_server_client.list_run_groups()["items"] == []
            assert PORTS == [omics_server.port]
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_bad_time_scale_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nomics_server_time_scale = fast\n")
    pytester.makepyfile("def test_x(omics_server): pass")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*omics_server_time_scale must be a number*"])
    assert result.ret != 0
