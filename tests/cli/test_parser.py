"""The parser: argv -> one frozen options object per command; formats from the registry."""

from __future__ import annotations

import dataclasses
import io

import pytest

from driftcheck.cli.commands import cmd_check, cmd_export
from driftcheck.cli.options import CheckOptions, ExportOptions, LiveOptions
from driftcheck.cli.parser import parse
from driftcheck.errors import UsageError
from driftcheck.reporters import FORMATS


def test_check_arguments_become_frozen_check_options() -> None:
    invocation = parse(
        [
            "--debug",
            "check",
            "specs",
            "more",
            "--entity",
            "users",
            "--site",
            "datadoghq.eu",
            "--format",
            "json",
            "--report-json",
            "r.json",
            "--timeout",
            "5",
        ],
        io.StringIO(),
    )
    assert invocation.run is cmd_check
    assert invocation.debug is True
    assert invocation.options == CheckOptions(
        paths=("specs", "more"),
        live=LiveOptions(entities=("users",), site="datadoghq.eu", timeout=5.0),
        format="json",
        report_json="r.json",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        invocation.options.format = "text"  # type: ignore[attr-defined]


def test_export_reads_a_snapshot_source() -> None:
    invocation = parse(["export", "--live-snapshot", "s.json", "-o", "out"], io.StringIO())
    assert invocation.run is cmd_export
    assert invocation.options == ExportOptions(
        live=LiveOptions(snapshot="s.json"), output="out", force=False
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_registered_format_is_a_check_format(fmt: str) -> None:
    options = parse(["check", "x", "--format", fmt], io.StringIO()).options
    assert isinstance(options, CheckOptions)
    assert options.format == fmt


def test_a_format_outside_the_registry_is_a_usage_error_listing_the_registry() -> None:
    with pytest.raises(UsageError) as caught:
        parse(["check", "x", "--format", "yaml"], io.StringIO())
    assert "choose from " + ", ".join(f"'{f}'" for f in FORMATS) in str(caught.value)


def test_an_option_of_another_command_is_refused_by_the_command_itself() -> None:
    with pytest.raises(UsageError) as caught:
        parse(["plan", "specs", "--live-snapshot", "s.json"], io.StringIO())
    message = str(caught.value)
    assert "unrecognized arguments: --live-snapshot s.json" in message
    assert "did you mean" not in message  # never the very option it refused
    assert "Run 'driftcheck plan --help' for usage." in message


def test_a_mistyped_option_is_matched_against_the_command_s_own_options() -> None:
    with pytest.raises(UsageError) as caught:
        parse(["check", "specs", "--outptu", "x"], io.StringIO())
    assert "(did you mean '--output'?)" in str(caught.value)
    assert "Run 'driftcheck check --help' for usage." in str(caught.value)
