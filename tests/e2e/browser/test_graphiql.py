"""GraphiQL in a real browser: headless Chromium on `catalog serve`, with no internet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from graphql import OperationDefinitionNode, parse

from tests.e2e.cli.conftest import Served
from tests.e2e.clients.conftest import REPO
from web.graphiql import operation_files

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    message = "Chromium is not installed: `make chromium` installs Debian's as root"
    if os.environ.get("CI"):
        raise RuntimeError(message + "; CI must run the browser test")
    pytest.skip(message + "; the GraphiQL browser test is skipped", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

SCREENSHOTS = REPO / "build" / "screenshots"
# As root, without a sandbox; nothing that would reach beyond this machine. Playwright
# gives each launch a fresh profile directory of its own.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PRODUCT_QUERY = '{ product(id: "prod-trail-runner") { name price category { name } } }'
UPSERT_MUTATION = (
    "mutation { upsertProduct(input: "
    '{ id: "prod-browser-lantern", name: "Browser Lantern", price: "31.5" }) '
    "{ id name price version } }"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A browser tab, and the URLs it requested beyond the server's origin."""

    page: Page
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Browser, catalog_server: Served) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = Tab(context.new_page())
    origin = urlsplit(catalog_server.url).netloc

    def note(url: str) -> None:
        if urlsplit(url).netloc != origin and not url.startswith("data:"):
            tab.foreign_requests.append(url)

    tab.page.on("request", lambda request: note(request.url))
    yield tab
    context.close()


def run_in_graphiql(page: Page, url: str, document: str, expected: str) -> str:
    """Open GraphiQL at `url`, type `document` into a new tab, run it; the result text."""
    open_graphiql(page, url)
    page.locator(".graphiql-tab-add").click()
    page.locator(".graphiql-tab-active").get_by_text("<untitled>", exact=True).wait_for()
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # insert_text, not typing: the editor would close each bracket typed.
    page.keyboard.insert_text(document)
    wait_until_taken(page, document)
    page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    result.get_by_text(expected).first.wait_for(timeout=30_000)
    return result.inner_text()


def open_graphiql(page: Page, url: str) -> list[str]:
    """Open GraphiQL at `url`; the titles of the tabs it opens on."""
    page.goto(url)
    page.locator(".graphiql-query-editor .CodeMirror").wait_for(timeout=30_000)
    return page.locator(".graphiql-tab-button").all_inner_texts()


def wait_until_taken(page: Page, document: str) -> None:
    """Wait until GraphiQL has read the editor's `document`.

    It reads the operation's name 100 ms after a change (a tab picked, text typed), and
    a run before that sends the previous tab's name with this text. Strawberry's page
    then writes the text into the URL's `q`.
    """
    page.wait_for_function(
        "(text) => new URLSearchParams(location.search).get('q') === text", arg=document
    )


def query_text(page: Page) -> str:
    """The whole text of GraphiQL's query editor (CodeMirror draws only what is in view)."""
    return str(
        page.evaluate(
            "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()"
        )
    )


def operation_name(path: Path) -> str:
    (operation,) = parse(path.read_text()).definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.name
    return operation.name.value


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=path)
    return path


def test_graphiql_runs_a_query_typed_in_its_editor(tab: Tab, catalog_server: Served) -> None:
    result = run_in_graphiql(
        tab.page, f"{catalog_server.url}/graphql", PRODUCT_QUERY, '"Trail Runner 4"'
    )

    assert '"price": "129.99"' in result
    assert '"name": "Running Shoes"' in result
    assert screenshot(tab.page, "graphiql-query.png").stat().st_size > 0
    assert tab.foreign_requests == []


def test_graphiql_on_admin_route_runs_a_mutation(tab: Tab, catalog_server: Served) -> None:
    result = run_in_graphiql(
        tab.page, f"{catalog_server.url}/admin/graphql", UPSERT_MUTATION, '"Browser Lantern"'
    )

    assert '"price": "31.5"' in result
    assert screenshot(tab.page, "graphiql-admin-mutation.png").stat().st_size > 0
    stored = catalog_server.graphql('{ product(id: "prod-browser-lantern") { name } }')
    assert stored["data"] == {"product": {"name": "Browser Lantern"}}
    assert tab.foreign_requests == []


def test_graphiql_opens_on_the_catalogs_example_operations(
    tab: Tab, catalog_server: Served
) -> None:
    titles = open_graphiql(tab.page, f"{catalog_server.url}/graphql")

    files = operation_files()
    assert titles == [operation_name(path) for path in files]
    assert titles[:3] == ["NavigationMenu", "CategoryBreadcrumbs", "ProductBySlug"]
    assert query_text(tab.page) == files[0].read_text()
    assert "Welcome to GraphiQL" not in tab.page.locator(".graphiql-query-editor").inner_text()
    assert screenshot(tab.page, "graphiql-tabs.png").stat().st_size > 0
    assert tab.foreign_requests == []


def test_graphiql_example_tab_runs_with_its_variables(tab: Tab, catalog_server: Served) -> None:
    # GIVEN GraphiQL open on its example tabs
    open_graphiql(tab.page, f"{catalog_server.url}/graphql")
    (product_by_slug,) = [path for path in operation_files() if path.stem == "product_by_slug"]

    # WHEN the product-by-slug tab is picked and run as it is
    tab.page.locator(".graphiql-tab-button", has_text="ProductBySlug").click()
    wait_until_taken(tab.page, product_by_slug.read_text())
    tab.page.locator(".graphiql-execute-button").click()

    # THEN its example product comes back, with its category's breadcrumbs
    result = tab.page.locator(".result-window")
    result.get_by_text('"Trail Runner 4"').first.wait_for(timeout=30_000)
    assert '"slug": "trail-runner"' in result.inner_text()
    assert '"name": "Running Shoes"' in result.inner_text()
    assert screenshot(tab.page, "graphiql-example-tab.png").stat().st_size > 0
    assert tab.foreign_requests == []
