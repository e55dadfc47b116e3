"""The server's output: an access log through ``logging``, coloured only on a terminal.

Each answered request is one INFO record on the ``omics_mock.server`` logger:
``127.0.0.1 "GET /run/1234567 HTTP/1.1" 404 ResourceNotFoundException 0.4 ms``.
http.server's own messages (a timed-out connection) are DEBUG records; a bug
in the mock is an ERROR with its traceback. ``omics-mock server`` shows them on
stderr (``--log-level``, ``--quiet``); a ``ThreadedServer`` logs nothing unless
``quiet=False``, and then leaves the showing to your logging configuration
(pytest shows it with a failing test's captured log).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import IO

LOGGER = logging.getLogger("omics_mock.server")
LEVELS = ("debug", "info", "warning", "error")

_COLOURS = {2: "", 3: "\x1b[36m", 4: "\x1b[33m", 5: "\x1b[1;31m"}
"""ANSI styles by the status's first digit: 2xx plain, 3xx cyan, 4xx yellow, 5xx bold red."""
_RESET = "\x1b[0m"


def colour_wanted(stream: IO[str]) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set or the terminal is dumb."""
    isatty = getattr(stream, "isatty", None)
    return (
        bool(isatty and isatty())
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
    )


class AccessLogFormatter(logging.Formatter):
    """``message``, coloured by its HTTP status when ``colour`` is on."""

    def __init__(self, colour: bool) -> None:
        super().__init__("%(message)s")
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        status = getattr(record, "status", None)
        if not self.colour or not isinstance(status, int):
            return text
        style = _COLOURS.get(status // 100, "")
        return f"{style}{text}{_RESET}" if style else text


@contextlib.contextmanager
def shown(level: str, stream: IO[str]) -> Iterator[None]:
    """Show the server's records of ``level`` and above on ``stream`` while inside
    (``omics-mock server``); the loggers are as they were afterwards."""
    if level not in LEVELS:
        raise ValueError(f"the log level is one of {', '.join(LEVELS)}, not {level!r}")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(AccessLogFormatter(colour_wanted(stream)))
    loggers = [logging.getLogger(name) for name in (LOGGER.name, "omics_mock.harness.server")]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(level.upper())
        logger.propagate = False
    try:
        yield
    finally:
        for logger, (old_level, propagate) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(old_level)
            logger.propagate = propagate


def log_access(client: str, request_line: str, status: int, error: str, ms: float) -> None:
    """One access record (``LOGGER.isEnabledFor(INFO)`` is checked by the caller)."""
    LOGGER.info(
        '%s "%s" %d %s %.1f ms',
        client,
        request_line,
        status,
        error or "-",
        ms,
        extra={"status": status},
    )
