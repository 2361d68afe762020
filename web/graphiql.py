"""GraphiQL's page: Strawberry's, opening on the catalog's example operations, one tab each.

Strawberry's page takes no options (a pull request to set its example query,
strawberry-graphql/strawberry#2779, was closed unmerged), so GraphiQL's `defaultTabs`
prop is set by substitutions in Strawberry's template, each of which must match exactly
once: a Strawberry upgrade that changes the template fails the page's build (and
tests/unit/test_graphiql.py) instead of silently opening on its welcome text again. The
assets and their integrity hashes are left as Strawberry wrote them; the tabs are inline
data, built from the operation files when the page is built.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ROOT / "clients" / "operations"
FOLDERS = (OPERATIONS,)
# The tabs as `make clients` (cli/documents.py) writes them from the operations: package
# data beside this module, so a wheel install (which has no clients/) opens on them too.
TABS = Path(__file__).with_name("graphiql-tabs.json")
# The tabs a storefront developer wants first (by file name); every other operation
# follows in file-name order.
FIRST = ("navigation_menu", "category_breadcrumbs", "product_by_slug")

# Each operation's required variables, from the sample shop (cli/sample.py: a slug is its
# id without the "cat-" or "prod-" prefix), so a tab runs as it opens.
# tests/unit/test_graphiql.py fails when an operation's required variable has none.
EXAMPLE_VARIABLES: dict[str, dict[str, object]] = {
    "category_breadcrumbs": {"slug": "hiking-boots"},
    "product_by_slug": {"slug": "trail-runner"},
    "admin_attach_product_image": {
        "input": {
            "productId": "prod-trail-runner",
            "uploadId": "the uploadId CreateProductImageUpload answered",
        }
    },
    "admin_create_product_image_upload": {
        "input": {
            "productId": "prod-trail-runner",
            "contentType": "image/jpeg",
            "contentLength": 48213,
        }
    },
    "admin_delete_product": {"id": "prod-sticker"},
    "admin_upsert_product": {"input": {"name": "Camp Lantern", "price": "24.90", "stock": 10}},
    "category_page": {"id": "cat-hiking-boots"},
    "predictive_search": {"query": "trail"},
    "product_page": {"id": "prod-trail-runner"},
    "product_search": {"text": "Trail"},
    "storefront_page": {"id": "cat-hiking-boots"},
}

TABS_NAME = "CATALOG_TABS"
# Strawberry's template (strawberry/static/graphiql.html): each `old` must occur exactly
# once in it. A link shared with `?q=` (Strawberry's page writes the query there) opens
# on that query, ahead of the catalog's tabs.
_SUBSTITUTIONS = (
    # The welcome text would overwrite the first tab: GraphiQL writes its `query` prop
    # into the open tab.
    ("parameters.q || EXAMPLE_QUERY", "parameters.q"),
    (
        "fetcher: fetcher,",
        "fetcher: fetcher,\n          defaultTabs: parameters.q\n"
        "            ? [{ query: parameters.q, variables: parameters.variables }]"
        f".concat({TABS_NAME})\n            : {TABS_NAME},",
    ),
)
_HEAD_END = "</head>"


class TemplateChanged(Exception):
    """Strawberry's GraphiQL page no longer has the text the tabs are set by."""


class MissingOperation(Exception):
    """An operation GraphiQL opens on is missing from the operations' folders."""


def operation_files(folders: Sequence[Path] = FOLDERS) -> list[Path]:
    """The example operations in the order of their tabs: FIRST, then the rest by file name."""
    files = {path.stem: path for folder in folders for path in folder.glob("*.graphql")}
    missing = [name for name in FIRST if name not in files]
    if missing:
        searched = " or ".join(str(folder) for folder in folders)
        raise MissingOperation(f"no {', '.join(missing)}.graphql in {searched}")
    return [files[name] for name in FIRST] + [
        files[name] for name in sorted(files) if name not in FIRST
    ]


def default_tabs(folders: Sequence[Path] = FOLDERS) -> list[dict[str, str]]:
    """GraphiQL's `defaultTabs`: each operation's text, and its example variables as JSON."""
    tabs = []
    for path in operation_files(folders):
        tab = {"query": path.read_text()}
        variables = EXAMPLE_VARIABLES.get(path.stem)
        if variables:
            tab["variables"] = json.dumps(variables, indent=2)
        tabs.append(tab)
    return tabs


def render_tabs(folders: Sequence[Path] = FOLDERS) -> str:
    """web/graphiql-tabs.json's text, from the operations' files."""
    return json.dumps(default_tabs(folders), indent=2) + "\n"


def graphiql_page(folders: Sequence[Path] | None = None) -> str:
    """Strawberry's GraphiQL page (CDN assets with integrity), opening on the example tabs:
    those of web/graphiql-tabs.json, or made from the files of `folders`."""
    tabs = json.loads(TABS.read_text()) if folders is None else default_tabs(folders)
    page = get_graphql_ide_html(graphql_ide="graphiql")
    for old, new in (*_SUBSTITUTIONS, (_HEAD_END, f"{_tabs_script(tabs)}\n  {_HEAD_END}")):
        if page.count(old) != 1:
            raise TemplateChanged(
                f"Strawberry's GraphiQL page has {page.count(old)} of {old!r}, not one: "
                "update web/graphiql.py to set GraphiQL's defaultTabs in the new template"
            )
        page = page.replace(old, new)
    return page


def _tabs_script(tabs: list[dict[str, str]]) -> str:
    # ensure_ascii escapes U+2028/2029; `<`, `>` and `&` only occur inside JSON strings,
    # where their escapes mean the same, so no text of an operation can end the script.
    data = json.dumps(tabs)
    for char in "<>&":
        data = data.replace(char, f"\\u{ord(char):04x}")
    return f"  <script>\n      const {TABS_NAME} = {data};\n    </script>"
