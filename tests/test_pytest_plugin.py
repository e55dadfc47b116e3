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
