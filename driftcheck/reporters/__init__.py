"""Report renderers: pure functions ``(Report, RenderOptions) -> str``, one module per format,
one registry (the CLI's ``--format`` choices come from it).

Every value that came from the API or a spec file is escaped by the renderer, for its format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftcheck.errors import UsageError
from driftcheck.model import Report

#: GitHub refuses comments over 65,536 characters; this leaves room for the poster's marker.
MARKDOWN_BUDGET = 60_000


@dataclass(frozen=True)
class RenderOptions:
    """How to render: nothing here changes what a report says, only how it looks.

    ``link_base``: prefix of Markdown links to spec files, e.g.
    ``https://github.com/org/repo/blob/<sha>/``; None links to the relative path.
    ``markdown_budget``: the Markdown report stays at or under this many characters.
    """

    color: bool = False
    link_base: str | None = None
    markdown_budget: int = MARKDOWN_BUDGET


Renderer = Callable[[Report, RenderOptions], str]


def _registry() -> dict[str, Renderer]:
    from driftcheck.reporters import github, json_, markdown, text

    return {
        "text": text.render,
        "json": json_.render,
        "markdown": markdown.render,
        "github": github.render,
    }


REGISTRY: dict[str, Renderer] = _registry()


def render(report: Report, fmt: str, options: RenderOptions | None = None) -> str:
    """Render ``report`` in format ``fmt`` (a key of :data:`REGISTRY`)."""
    try:
        renderer = REGISTRY[fmt]
    except KeyError:
        raise UsageError(
            f"unknown report format {fmt!r}; formats: " + ", ".join(REGISTRY)
        ) from None
    return renderer(report, options or RenderOptions())
