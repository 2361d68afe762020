"""Every relative link in the project's Markdown points at a file (and heading) that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = ("README.md", "SECURITY.md", "CONTRIBUTING.md")
PAGES = sorted([*(ROOT / name for name in TOP_LEVEL), *(ROOT / "docs").rglob("*.md")])
# [text](target) outside code; images and reference-style links are not used here.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
EXTERNAL = ("http://", "https://", "mailto:")


def anchors(page: Path) -> set[str]:
    """The fragments GitHub gives the page's headings."""
    text = FENCE.sub("", page.read_text())
    slugs = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
        slugs.add(slug.replace(" ", "-"))
    return slugs


def relative_links(page: Path) -> list[str]:
    text = CODE_SPAN.sub("", FENCE.sub("", page.read_text()))
    return [target for target in LINK.findall(text) if not target.startswith(EXTERNAL)]


def test_docs_pages_are_found() -> None:
    names = {page.relative_to(ROOT).as_posix() for page in PAGES}

    assert {"README.md", "SECURITY.md", "docs/api.md", "docs/performance.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading #{fragment}")

    assert broken == []


# Repository paths named in prose: a comment or docstring of the code, a decision
# record, the role's action lists. A path there that no longer exists misleads the
# reader as a broken link does.
REPO_PATH = re.compile(
    r"(?<![\w/.:-])((?:[A-Za-z_][\w.-]*/)+[\w.-]+\.(?:py|md|json|yaml|yml|txt|toml|graphql|ts|mjs))\b"
)
SOURCES = sorted(
    path
    for folder in (
        "web",
        "schema",
        "resolvers",
        "store",
        "models",
        "cli",
        "bench",
        "infra",
        "tests",
    )
    for path in (ROOT / folder).rglob("*.py")
    if "node_modules" not in path.parts
) + [ROOT / name for name in ("handler.py", "settings.py", "compose.py", "errors.py")]
PROSE = [
    *sorted((ROOT / "docs" / "decisions").glob("*.md")),
    *sorted((ROOT / "infra").glob("*_actions.txt")),
]
# Named as examples, or as files of another project, not files of this one.
NOT_OURS = frozenset({"foo/bar.py", "docs/index.md"})
# Paths inside a dependency's own source (strawberry/schema/..., botocore/...).
DEPENDENCIES = ("strawberry/", "pynamodb/", "botocore/", "graphql/", "mangum/", "aws_lambda_")


def _prose_of_python(path: Path) -> str:
    """A module's comments and string literals (its docstrings), without its code."""
    import io
    import tokenize

    parts = []
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type in (tokenize.COMMENT, tokenize.STRING):
            parts.append(token.string)
    return "\n".join(parts)


def _missing_paths(text: str, base: Path) -> list[str]:
    missing = []
    for path in REPO_PATH.findall(text):
        if path in NOT_OURS or path.startswith(DEPENDENCIES) or "node_modules" in path:
            continue
        # Relative to the repository, the file itself, or docs/ (pages generated there).
        if not any((folder / path).exists() for folder in (ROOT, base, ROOT / "docs")):
            missing.append(path)
    return missing


@pytest.mark.parametrize(
    "source", SOURCES + PROSE, ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_repository_paths_named_in_comments_exist(source: Path) -> None:
    text = _prose_of_python(source) if source.suffix == ".py" else source.read_text()

    assert _missing_paths(text, source.parent) == []
