"""The JUnit XML report: valid against the JUnit schema (tests/reporters/data/junit.xsd, the
Jenkins/Ant structure CI test views read), read back by junitparser (a third-party JUnit
library) with the counts a CI would show, and safe with hostile values."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import junitparser
import pytest
import xmlschema
from helpers import check_examples
from samples import hostile, item, report, representative, three_way

from driftcheck.model import EntityError, EntityStatus, Location, Problem
from driftcheck.reporters import FORMATS, RenderOptions, render
from driftcheck.reporters.summary import subject

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "junit.xsd"))


def junit(rep: Any) -> str:
    return render(rep, "junit", RenderOptions())


@pytest.mark.parametrize("sample", [representative, three_way, hostile], ids=lambda f: f.__name__)
def test_every_sample_is_valid_junit(sample: Any) -> None:
    text = junit(sample())
    SCHEMA.validate(text)
    parsed = junitparser.JUnitXml.fromstring(text)
    assert sum(suite.tests for suite in parsed) == int(ET.fromstring(text).get("tests", "0"))


def test_one_suite_per_entity_one_case_per_connection_one_failure_with_every_item() -> None:
    rep = representative()
    text = junit(rep)
    parsed = junitparser.JUnitXml.fromstring(text)
    suites = {suite.name: suite for suite in parsed}
    extra = {"ignore entries"} if rep.notices else set()
    assert set(suites) == {entity.name for entity in rep.entities} | extra
    failing = [i for i in rep.items if i.fails(rep.fail_on)]
    for case in ET.fromstring(text).iter("testcase"):
        assert len(case.findall("failure")) <= 1  # CI parsers read only the first
    failures = {
        (suite.name, case.name): [r for r in case.result if isinstance(r, junitparser.Failure)]
        for suite in parsed
        for case in suite
    }
    by_case = {(i.entity, i.connection) for i in failing}
    assert {key for key, found in failures.items() if found} == by_case
    assert len(by_case) < len(failing)  # the sample has connections with several items
    for entity, connection in by_case:
        [failure] = failures[(entity, connection)]
        mine = [i for i in failing if (i.entity, i.connection) == (entity, connection)]
        for found in mine:  # every item is in its case's one failure, with its details
            assert subject(found) in failure.message + (failure.text or "")
            assert str(found.source) in (failure.text or "")
        if len(mine) > 1:
            assert failure.message.startswith(f"{len(mine)} failing drift items: ")
    changed = next(i for i in failing if i.kind == "changed")
    [failure] = failures[(changed.entity, changed.connection)]
    assert "spec: " in (failure.text or "") and "datadog: " in (failure.text or "")
    for suite in parsed:
        if suite.name == "ignore entries":
            continue
        names = [case.name for case in suite]
        assert len(names) == len(set(names))
        assert all(case.classname == f"driftcheck.{suite.name}" for case in suite)


def test_a_spec_file_with_several_problems_is_one_case_with_one_failure() -> None:
    rep = replace(
        report(items=()),
        problems=(
            Problem(location=Location("a.yaml", 3, 5), message="'type' is required"),
            Problem(location=Location("a.yaml", 9, 1), message="unknown key 'x'"),
        ),
    )
    text = junit(rep)
    SCHEMA.validate(text)
    [case] = [
        c for c in ET.fromstring(text).iter("testcase") if c.get("classname") == "driftcheck.spec"
    ]
    [failure] = case.findall("failure")
    assert failure.get("message", "").startswith("2 problems: a.yaml:3:5: 'type' is required")
    assert "a.yaml:3:5: 'type' is required\na.yaml:9:1: unknown key 'x'" in (failure.text or "")


def test_warnings_and_ignored_items_never_fail_a_case() -> None:
    warning = item(kind="unexpected", severity="warning", connection="w", field="f")
    ignored = item(
        kind="changed", severity="ignored", connection="i", attribute="type", reason="accepted"
    )
    rep = report(items=(warning, ignored))
    parsed = junitparser.JUnitXml.fromstring(junit(rep))
    cases = [case for suite in parsed for case in suite]
    assert all(case.is_passed for case in cases)
    text = junit(rep)
    assert "warning: - field f" in text and "ignored: ~" in text


def test_an_unreadable_entity_is_an_error_and_invalid_specs_are_failures() -> None:
    rep = report(
        items=(),
        errors=(EntityError(entity="accounts", message="HTTP 403 Forbidden"),),
        entities=(EntityStatus(name="accounts", status="error", connections_checked=0),),
    )
    root = ET.fromstring(junit(rep))
    [suite] = root.findall("testsuite")
    [case] = suite.findall("testcase")
    error = case.find("error")
    assert error is not None and "403" in (error.get("message") or "")
    assert (root.get("errors"), suite.get("errors")) == ("1", "1")
    invalid = replace(
        rep,
        errors=(),
        problems=(Problem(location=Location("a.yaml", 3, 5), message="'type' is required"),),
    )
    text = junit(invalid)
    SCHEMA.validate(text)
    assert "message=\"a.yaml:3:5: 'type' is required\"" in text


def test_hostile_values_stay_data() -> None:
    bad = "x\x1b[31m]]><failure/>\ud800##[error]boom\x00"
    rep = report(
        items=(item(kind="changed", connection=bad, attribute="type", expected=bad, actual="y"),)
    )
    text = junit(rep)
    SCHEMA.validate(text)
    root = ET.fromstring(text)
    [case] = [c for c in root.iter("testcase") if (c.get("name") or "").startswith("x")]
    assert case.get("name") == "x\\e[31m]]><failure/>\\ud800##\\[error]boom\\x00"
    assert "##[" not in text and "\x1b" not in text


def test_junit_is_a_format_and_a_report_file(tmp_path: Path) -> None:
    assert "junit" in FORMATS
    out = tmp_path / "junit.xml"
    done = check_examples("--report-junit", str(out))
    assert done.code == 2, done.err
    SCHEMA.validate(str(out))
    shown = check_examples("--format", "junit")
    assert shown.code == 2 and shown.out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
