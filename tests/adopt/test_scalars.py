"""A replaced value keeps the style it was written in, and always reads back as the new text."""

from __future__ import annotations

import pytest
import yaml

from driftcheck.adopt.scalars import replacement
from driftcheck.adopt.yamldoc import lookup, parse


def replaced(line: str, new: str) -> str:
    """``line`` ('k: <value>') with its value replaced by ``new``, and the text read back."""
    doc = parse("f.yaml", line)
    found = lookup(doc.root, "k")
    assert found is not None and isinstance(found.value, yaml.ScalarNode)
    text = replacement(doc, found.value, new, flow=False)
    out = line[: found.value.start_mark.index] + text + line[doc.value_end(found.value) :]
    assert yaml.safe_load(out) == {"k": new}
    return out


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        ("k: old\n", "new value", "k: new value\n"),
        ("k: old  # why\n", "new", "k: new  # why\n"),
        ("k: old\n", "yes", 'k: "yes"\n'),  # would read as a boolean
        ("k: old\n", "1.0", 'k: "1.0"\n'),
        ("k: old\n", "2026-01-01", 'k: "2026-01-01"\n'),
        ("k: old\n", "@mention", 'k: "@mention"\n'),
        ("k: old\n", "a: b", 'k: "a: b"\n'),
        ("k: old\n", "x #y", 'k: "x #y"\n'),
        ("k: 'old'\n", "it's", "k: 'it''s'\n"),
        ("k: 'old'\n", "two\nlines", 'k: "two\\nlines"\n'),  # single quotes cannot hold it
        ('k: "old"\n', "tab\there", 'k: "tab\\there"\n'),
        ('k: "old"\n', "plain", 'k: "plain"\n'),  # stays quoted: that is how it was written
        ("k: |\n  one\n  two\n", "three\nfour\n", "k: |\n  three\n  four\n"),
        ("k: |-\n    one\n", "a\nb", "k: |-\n    a\n    b\n"),
        ("k: |\n  one\n", "single", "k: |-\n  single\n"),
        ("k: >\n  folded\n  text\n", "new text\n", "k: >\n  new text\n"),
        ("k: >-\n  folded\n", "no end", "k: >-\n  no end\n"),
        ("k: >\n  folded\n", "two\nlines\n", 'k: "two\\nlines\\n"\n'),
        ("k: old\n", "\x1b[31mred", 'k: "\\e[31mred"\n'),  # escaped, never raw
    ],
)
@pytest.mark.parametrize("libyaml", [True, False])
def test_replacement_keeps_the_style(
    line: str, new: str, expected: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not libyaml:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    assert replaced(line, new) == expected


def test_in_a_flow_mapping_flow_indicators_are_quoted() -> None:
    doc = parse("f.yaml", "k: {a: x, b: y}\n")
    found = lookup(doc.root, "k")
    assert found is not None
    inner = lookup(found.value, "a")
    assert inner is not None and isinstance(inner.value, yaml.ScalarNode)
    assert replacement(doc, inner.value, "p, q", flow=True) == '"p, q"'
    assert replacement(doc, inner.value, "pq", flow=True) == "pq"
