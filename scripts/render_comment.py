"""Render the pull-request comment the way a reviewer sees it, and screenshot it.

A real three-way check runs on the shipped examples: ``examples/specs`` is committed as the
base in a temporary git repository, a change is made to it (an edit that conflicts with an
edit made in Datadog, a new field, a fix of existing drift), and ``driftcheck check --base``
compares both with ``examples/live-snapshot.json``. Its Markdown report is rendered by
markdown-it-py (CommonMark with GFM tables and strikethrough, HTML for our ``<details>``)
into a page styled by GitHub's own Markdown CSS (npm ``github-markdown-css``, installed by
``npm ci --prefix tests/tools``) at a comment's width, and headless Chromium (Debian's
``chromium``) takes the screenshot.

    python scripts/render_comment.py                      # docs/comment-780px.png
    python scripts/render_comment.py --open -o /tmp/x.png # every <details> unfolded
    python scripts/render_comment.py --no-base            # the two-way report

The test suite checks the structural rules of the report (tests/reporters/
test_markdown_structure.py) without a browser; this script is for people.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSS = (
    ROOT / "tests" / "tools" / "node_modules" / "github-markdown-css" / "github-markdown-light.css"
)
WIDTH = 780  # px: the comment column of a pull request's conversation on a wide screen
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)
sys.path.insert(0, str(ROOT))


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=render", "-c", "user.email=render@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_change(specs: Path) -> None:
    """The pull request: a conflicting edit, a new field, and a fix of existing drift."""
    users = specs / "users.yaml"
    text = users.read_text(encoding="utf-8")
    text = text.replace("display_name: Customer Tier", "display_name: Customer tier (plan)")
    text = text.replace("metadata: {owner: growth,", "metadata: {owner: marketing,")
    users.write_text(text, encoding="utf-8")
    accounts = specs / "accounts.yaml"
    text = accounts.read_text(encoding="utf-8")
    text = text.replace(
        "          - id: region\n",
        "          - id: arr\n            source_name: annual_revenue\n            type: number\n"
        "            display_name: ARR\n          - id: region\n",
        1,
    )
    accounts.write_text(text, encoding="utf-8")


def report_markdown(base: bool) -> str:
    """The Markdown report of a real check run on the examples (with a base: three-way)."""
    from driftcheck.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp)
        shutil.copytree(ROOT / "examples" / "specs", repo / "specs")
        shutil.copy(ROOT / "examples" / "live-snapshot.json", repo / "live-snapshot.json")
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "base")
        make_change(repo / "specs")
        out = repo / "report.md"
        argv = ["check", "specs", "--live-snapshot", "live-snapshot.json"]
        argv += ["--report-markdown", str(out), "--format", "json"]
        argv += ["--base", "main"] if base else []
        env = {"GITHUB_REPOSITORY": "your-org/datadog-specs", "GITHUB_SHA": "9f8e7d6c5b4a3f2e1d0c"}
        import os

        here = os.getcwd()
        os.chdir(repo)
        try:
            main(argv, stdout=io.StringIO(), stderr=io.StringIO(), env=env)
        finally:
            os.chdir(here)
        return out.read_text(encoding="utf-8")


def page(markdown: str, *, unfold: bool) -> str:
    """The Markdown as GitHub renders it in a comment: GFM tables, our HTML, GitHub's CSS."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    rendered = body.render(markdown)
    if unfold:
        rendered = rendered.replace("<details>", "<details open>")
    rendered = re.sub(
        r'<code class="language-diff">(.*?)</code>', _diff_colours, rendered, flags=re.S
    )
    if not CSS.is_file():
        sys.exit(f"{CSS} is missing: run npm ci --prefix tests/tools")
    css = CSS.read_text(encoding="utf-8")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>driftcheck comment</title>
<style>{css}
body {{ margin: 0; background: #fff; }}
.markdown-body {{ box-sizing: border-box; width: {WIDTH}px; padding: 16px; }}
.markdown-body pre {{ white-space: pre; overflow-x: auto; }}
.pl-md {{ color: #82071e; background-color: #ffebe9; }}
.pl-mi1 {{ color: #116329; background-color: #dafbe1; }}
</style></head>
<body><article class="markdown-body">{rendered}</article>
<script>document.body.setAttribute("data-height", document.body.scrollHeight)</script>
</body></html>
"""


def _diff_colours(match: re.Match[str]) -> str:
    """GitHub colours the lines of a ``diff`` block: removed red, added green."""
    lines = []
    for line in match.group(1).split("\n"):
        kind = {"-": "pl-md", "+": "pl-mi1"}.get(line[:1])
        lines.append(f'<span class="{kind}">{line}</span>' if kind else line)
    return '<code class="language-diff">' + "\n".join(lines) + "</code>"


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        sys.exit("chromium is not installed: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def screenshot(html_file: Path, png: Path) -> int:
    """Screenshot of the whole page at WIDTH pixels; returns its height."""
    dom = chromium(f"--window-size={WIDTH},1000", "--dump-dom", html_file.as_uri()).stdout
    found = re.search(r'data-height="(\d+)"', dom)
    height = int(found.group(1)) if found else 3000
    done = chromium(f"--window-size={WIDTH},{height}", f"--screenshot={png}", html_file.as_uri())
    if not png.is_file():
        sys.exit(f"chromium took no screenshot: {done.stderr[-2000:]}")
    return height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "comment-780px.png"))
    parser.add_argument("--open", action="store_true", help="unfold every <details>")
    parser.add_argument("--no-base", action="store_true", help="the two-way report")
    parser.add_argument("--html", help="also keep the HTML page here")
    args = parser.parse_args()
    markdown = report_markdown(base=not args.no_base)
    png = Path(args.output)
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        html_file = Path(args.html) if args.html else Path(tmp) / "comment.html"
        html_file.write_text(page(markdown, unfold=args.open), encoding="utf-8")
        height = screenshot(html_file, png)
    print(f"{png}: {WIDTH}x{height} px, {len(markdown):,} characters of Markdown")
    print(html.escape(markdown.splitlines()[2]))


if __name__ == "__main__":
    main()
