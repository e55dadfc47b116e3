"""``omics-mock server``: its options and what it does with them."""

from __future__ import annotations

import argparse
import math
import sys

from . import access_log

DESCRIPTION = """\
Serve the mock over HTTP/1.1 for the AWS CLI, SDKs in any language and code in
other processes. One state for the server's life (POST /_omics_mock/reset
discards it). Prints OMICS_MOCK_URL=... and OMICS_MOCK_PORT=... on stdout, then
an access log on stderr. Clients: endpoint URL = OMICS_MOCK_URL, fake
credentials, and host prefixes off (AWS_DISABLE_HOST_PREFIX_INJECTION=true; the
JavaScript SDK: disableHostPrefix: true). See docs/server.md.
"""

EPILOG = """\
examples:
  omics-mock server --port 0 --time-scale 600   ten virtual minutes a real second
  omics-mock server --progress per_poll         each GetRun moves a run one phase on
  omics-mock server --port 0 --quiet > server.env & ... ; . ./server.env
"""


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not 0 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("a number from 0 to 1000000")
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value < 1e9:
        raise argparse.ArgumentTypeError("a positive number of seconds")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server subcommand's options."""
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=5000, help="port to bind (default 5000); 0 picks a free one"
    )
    parser.add_argument(
        "--time-scale",
        type=_scale,
        default=1.0,
        metavar="N",
        help="virtual seconds per real second (default 1; 600: ten minutes a second; "
        "0: time moves only through the control API)",
    )
    parser.add_argument(
        "--progress",
        choices=("time", "per_poll"),
        default="time",
        help="per_poll: each GetRun of an active run moves it one phase on (default: time)",
    )
    parser.add_argument(
        "--read-timeout",
        type=_timeout,
        default=None,
        metavar="SECONDS",
        help="close a connection silent for this long, within or between requests "
        "(default: $OMICS_MOCK_READ_TIMEOUT, else 30)",
    )
    parser.add_argument(
        "--log-level",
        choices=access_log.LEVELS,
        default="info",
        help="info: one line per request (default); warning: errors only; "
        "debug: also connections closed for silence",
    )
    parser.add_argument(
        "--state",
        metavar="PATH",
        help="start from the state saved in PATH if it exists; save it there on a clean "
        "stop (SIGINT, SIGTERM), atomically (docs/snapshots.md)",
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no banner and no access log (same as --log-level warning); the URL still prints",
    )


def run(arguments: argparse.Namespace) -> int:
    """Serve until interrupted; 1 with a message if the server cannot start."""
    from .serving import serve

    level = "warning" if arguments.quiet else arguments.log_level
    try:
        with access_log.shown(level, sys.stderr):
            serve(
                arguments.host,
                arguments.port,
                arguments.read_timeout,
                time_scale=arguments.time_scale,
                progress=arguments.progress,
                quiet=arguments.quiet,
                state_path=arguments.state,
            )
    except (RuntimeError, OSError) as error:
        print(f"omics-mock server: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
