"""The verdict of ``validate``, and spec problems as text or JSON: one line per problem with
its ``file:line:col``, then a count."""

from __future__ import annotations

import json
from collections.abc import Sequence

from driftcheck.escape import json_text, terminal
from driftcheck.model import Problem, Spec
from driftcheck.wording import plural


def summarize(spec: Spec) -> str:
    """'2 files valid: 2 entities, 3 connections, 12 fields, 1 ignore entry'."""
    connections = [c for e in spec.entities.values() for c in e.connections]
    fields = sum(len(c.fields) for c in connections)
    return (
        f"{plural(len(spec.files), 'file')} valid: "
        f"{plural(len(spec.entities), 'entity', 'entities')}, "
        f"{plural(len(connections), 'connection')}, {plural(fields, 'field')}, "
        f"{plural(len(spec.ignores), 'ignore entry', 'ignore entries')}"
        + (
            f"; {plural(spec.hidden_skipped, 'hidden entry', 'hidden entries')} skipped"
            if spec.hidden_skipped
            else ""
        )
    )


def render_problems(problems: Sequence[Problem], fmt: str) -> str:
    """Problems as text lines (``file:line:col: error: ...``) or as a JSON document."""
    if fmt == "json":  # printed in a job log: no legacy workflow command (json_text)
        from driftcheck.reporters.json_ import problem_document

        return (
            json_text(
                json.dumps(
                    {
                        "valid": not problems,
                        "problems": [problem_document(p) for p in problems],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
            + "\n"
        )
    lines = []
    for p in problems:
        where = p.location.file if p.location.line == 0 else str(p.location)
        at = f" (at {p.path})" if p.path else ""
        lines.append(terminal(f"{where}: error: {p.message}{at}"))
    files = len({p.location.file for p in problems})
    lines.append(f"{plural(len(problems), 'problem')} in {plural(files, 'file')}")
    return "\n".join(lines) + "\n"
