"""Report renderers: pure functions ``(Report, RenderOptions) -> str``, one module per format,
one registry (the CLI's ``--format`` choices come from it).

Every value that came from the API or a spec file is escaped by the renderer, for its format.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from driftcheck.errors import UsageError
from driftcheck.model import Report

__all__ = [
    "FORMATS",
    "MARKDOWN_BUDGET",
    "RenderOptions",
    "Renderer",
    "render",
    "renderer",
    "repository_path",
]

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
    #: absolute path that annotation paths, Markdown links and SARIF URIs are relative to
    #: (``spec.repository.repository_root``); None: paths as given
    repository_root: str | None = None
    #: the terminal's width: the text format wraps long lines at spaces to it (None: never)
    width: int | None = None
    #: like ``link_base``, for lines of the base spec (resolved items of a three-way check);
    #: None links to the relative path
    base_link: str | None = None
    #: where the whole report can be read (e.g. "the job summary and the JSON report
    #: out/report.json"), named by the GitHub format's notice about annotations past
    #: GitHub's cap; None: nowhere is written, the notice says how to get the list
    full_report: str | None = None


Renderer = Callable[[Report, RenderOptions], str]

#: Every report format and the module of ``driftcheck.reporters`` that renders it. The one
#: list of formats: the CLI's ``--format`` choices are its keys. Modules load on first use.
_MODULES = {
    "text": "text",
    "json": "json_",
    "markdown": "markdown",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
}
FORMATS: tuple[str, ...] = tuple(_MODULES)


def renderer(fmt: str) -> Renderer:
    """The render function of format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        module = _MODULES[fmt]
    except KeyError:
        raise UsageError(f"unknown report format {fmt!r}; formats: " + ", ".join(FORMATS)) from None
    render_function: Renderer = importlib.import_module(f"driftcheck.reporters.{module}").render
    return render_function


def render(report: Report, fmt: str, options: RenderOptions | None = None) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`)."""
    return renderer(fmt)(report, options or RenderOptions())


def repository_path(file: str, options: RenderOptions) -> str:
    """``file`` (a Location's, as given on the command line, relative to the working
    folder) as annotations and links show it: relative to ``options.repository_root`` with
    ``/``, also when given as ``../x`` or absolute; absolute when outside the repository."""
    from driftcheck.spec.repository import relative_uri

    root = options.repository_root  # no root: the path as given, whatever the cwd
    return relative_uri(file, root, os.getcwd() if root is not None else "")
