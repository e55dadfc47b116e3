"""The ``omics-mock`` command line: help, version, the demonstration."""

from __future__ import annotations

import subprocess
import sys

import pytest

import omics_mock
from omics_mock.harness.cli import main


def test_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "in-process mock of AWS HealthOmics" in text
    assert "``" not in text
    assert "demo" in text and "server" in text


def test_no_arguments_print_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("usage: omics-mock")
    assert captured.err == ""


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"omics-mock {omics_mock.__version__}"


def test_every_demo_option_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = capsys.readouterr().out
    assert "--region REGION  AWS Region" in text


def test_demo_runs_a_workflow_to_completed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "omics_mock", "demo", "--region", "eu-west-1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "COMPLETED" in result.stdout
    assert "requests answered" in result.stdout
