"""The ``omics-mock`` command line: ``demo`` and ``server``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omics-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run a short demonstration in virtual time")
    demo.add_argument("--region", default="us-east-1")
    server = commands.add_parser(
        "server", help="serve the mock over HTTP for the AWS CLI and other SDKs"
    )
    from .server import command as server_command

    server_command.add_arguments(server)
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        from .demo import run_demo

        return run_demo(region=arguments.region)
    if arguments.command == "server":
        return server_command.run(arguments)
    return 2
