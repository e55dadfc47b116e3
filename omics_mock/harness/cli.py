"""The ``omics-mock`` command line: ``demo`` and ``server``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omics-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run a short demonstration in virtual time")
    demo.add_argument("--region", default="us-east-1")
    server = commands.add_parser(
        "server", help="serve the mock over HTTP for the AWS CLI and other SDKs"
    )
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=5000, help="port to bind; 0 picks a free one")
    # -- snapshots (docs/snapshots.md) --
    server.add_argument(
        "--state",
        metavar="PATH",
        help="start from the state saved in PATH if it exists; save it there on a clean "
        "stop (SIGINT, SIGTERM), atomically",
    )
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        from .demo import run_demo

        return run_demo(region=arguments.region)
    if arguments.command == "server":
        return _server(arguments.host, arguments.port, arguments.state)
    return 2


def _server(host: str, port: int, state: str | None = None) -> int:
    from .server.serving import serve

    try:
        if state is None:
            serve(host, port)
        else:
            serve(host, port, state_path=state)
    except (RuntimeError, OSError) as error:
        print(f"omics-mock server: {error}", file=sys.stderr)
        return 1
    return 0
