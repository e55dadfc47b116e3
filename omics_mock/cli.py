"""The ``omics-mock`` command line: ``demo`` (and, later, ``server``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="omics-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run a short demonstration in virtual time")
    demo.add_argument("--region", default="us-east-1")
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        from .demo import run_demo

        return run_demo(region=arguments.region)
    return 2
