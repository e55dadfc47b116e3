"""The HTTP control API names the clock's offset alike everywhere, as the Python API does."""

from __future__ import annotations

from omics_mock import mock_omics
from omics_mock.server import ThreadedServer

from .server_http import call


def test_state_and_clock_both_say_offset_seconds() -> None:
    with ThreadedServer() as server:
        call(server, "POST", "/_omics_mock/clock/advance", {"minutes": 2})
        state = call(server, "GET", "/_omics_mock/state")[1]
        clock = call(server, "GET", "/_omics_mock/clock")[1]
    assert state["offset_seconds"] == clock["offset_seconds"] == 120
    assert set(state) == {"accounts", "requests", "requests_answered", "offset_seconds"}


def test_describe_in_process_has_the_same_keys() -> None:
    with mock_omics() as mock:
        mock.clock.advance(seconds=30)
        assert mock.describe() == {
            "accounts": [],
            "requests": 0,
            "requests_answered": 0,
            "offset_seconds": 30.0,
        }
