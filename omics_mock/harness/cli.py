"""The omics-mock command line: a demonstration, and server mode."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib import metadata

DESCRIPTION = (
    "omics-mock: an in-process mock of AWS HealthOmics for boto3.\n"
    "Run a demonstration in virtual time, or serve the mock over HTTP."
)
EPILOG = (
    "examples:\n"
    "  omics-mock demo                  a workflow and a run, in virtual time\n"
    "  omics-mock server --port 5000    serve the mock for the AWS CLI and other SDKs\n"
    "\n"
    "In tests, use the Python API instead: `from omics_mock import mock_omics`."
)


def parser() -> argparse.ArgumentParser:
    """The command line's argument parser."""
    top = argparse.ArgumentParser(
        prog="omics-mock",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run a short demonstration in virtual time",
        description="Create a workflow, start a run and follow it to COMPLETED in virtual time.",
    )
    demo.add_argument(
        "--region",
        default="us-east-1",
        help="AWS Region of the demonstration's client (default: us-east-1)",
    )
    server = commands.add_parser(
        "server", help="serve the mock over HTTP for the AWS CLI and other SDKs"
    )
    from .server import command as server_command

    server_command.add_arguments(server)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    top = parser()
    arguments = top.parse_args(argv)
    if arguments.command == "demo":
        from .demo import run_demo

        return run_demo(region=arguments.region)
    if arguments.command == "server":
        from .server import command as server_command

        return server_command.run(arguments)
    top.print_help()
    return 0


def _version() -> str:
    try:
        return metadata.version("omics-mock")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"
