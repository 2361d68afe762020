"""GraphiQL's page opens on the catalog's example operations, one tab each (web/graphiql.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import NonNullTypeNode, OperationDefinitionNode, parse

import web.graphiql
from cli import graphiql
from cli.graphiql import CDN, cdn_page, local_page
from cli.sample import CATEGORIES, PRODUCTS
from web.graphiql import (
    FIRST,
    OPERATIONS,
    MissingOperation,
    TemplateChanged,
    graphiql_page,
)

TABS = re.compile(r"const CATALOG_TABS = (\[.*?\]);\n", re.DOTALL)
ASSET = re.compile(re.escape(CDN) + r"((?:@[\w.-]+/)?[\w.-]+)@([\w.-]+)/")


@pytest.fixture
def installed_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The versions the page names, as `make graphiql` installs them (manifests only)."""
    for package, version in set(ASSET.findall(cdn_page())):
        folder = tmp_path / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"version": version}))
    monkeypatch.setattr(graphiql, "NODE_MODULES", tmp_path)


@pytest.fixture(params=["lambda", "serve"])
def served_page(request: pytest.FixtureRequest) -> Callable[[], str]:
    """The page the Lambda serves (CDN assets), or the one `catalog serve` serves (local)."""
    if request.param == "serve":
        request.getfixturevalue("installed_assets")
        return local_page
    return cdn_page


def tabs_of(page: str) -> list[dict[str, Any]]:
    found = TABS.findall(page)
    assert len(found) == 1
    tabs = json.loads(found[0])
    assert isinstance(tabs, list)
    return tabs


def operation_name(document: str) -> str:
    (operation,) = parse(document).definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.name
    return operation.name.value


def fields(variables: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of the variables, inputs' fields included."""
    for key, value in variables.items():
        if isinstance(value, dict):
            yield from fields(value)
        else:
            yield key, value


def operation_files() -> list[Path]:
    return sorted(OPERATIONS.glob("*.graphql"))


def test_graphiql_page_holds_one_tab_per_operation_file(served_page: Callable[[], str]) -> None:
    tabs = tabs_of(served_page())

    files = {path.stem: path.read_text() for path in operation_files()}
    rest = sorted(set(files) - set(FIRST))
    assert [tab["query"] for tab in tabs] == [files[name] for name in [*FIRST, *rest]]


def test_graphiql_page_opens_on_menu_breadcrumbs_and_product_by_slug(
    served_page: Callable[[], str],
) -> None:
    names = [operation_name(tab["query"]) for tab in tabs_of(served_page())]

    assert names[:3] == ["NavigationMenu", "CategoryBreadcrumbs", "ProductBySlug"]
    assert {"UpsertProduct", "DeleteProduct", "ProductPage", "SearchPage"} <= set(names)


def test_graphiql_tabs_carry_every_required_variable() -> None:
    for tab in tabs_of(cdn_page()):
        (operation,) = parse(tab["query"]).definitions
        assert isinstance(operation, OperationDefinitionNode)
        required = {
            definition.variable.name.value
            for definition in operation.variable_definitions or ()
            if isinstance(definition.type, NonNullTypeNode) and definition.default_value is None
        }
        given = json.loads(tab.get("variables", "{}"))

        assert required <= set(given), f"{operation_name(tab['query'])}: give {required} examples"


def test_graphiql_tabs_example_slugs_are_the_sample_shops() -> None:
    variables = {
        operation_name(tab["query"]): json.loads(tab.get("variables", "{}"))
        for tab in tabs_of(cdn_page())
    }

    assert variables["CategoryBreadcrumbs"] == {"slug": "hiking-boots"}
    assert variables["ProductBySlug"] == {"slug": "trail-runner"}
    assert variables["NavigationMenu"] == {}


def test_graphiql_tabs_examples_name_items_of_the_sample_shop() -> None:
    # An example that names an item `catalog seed` does not write opens on null.
    samples = [*CATEGORIES, *PRODUCTS]
    known = {"id": {item.id for item in samples}, "slug": {item.slug for item in samples}}
    known["productId"] = {product.id for product in PRODUCTS}

    named = [
        (key, value)
        for tab in tabs_of(cdn_page())
        for key, value in fields(json.loads(tab.get("variables", "{}")))
        if key in known
    ]

    assert len(named) >= 6
    assert [(key, value) for key, value in named if value not in known[key]] == []


def test_graphiql_page_keeps_the_assets_and_their_integrity(
    served_page: Callable[[], str],
) -> None:
    # The tabs are inline data: no asset is added, and every pinned one is kept as it was.
    strawberry_page = web.graphiql.get_graphql_ide_html(graphql_ide="graphiql")
    tags = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=[^>]*>", re.DOTALL)

    expected = tags.findall(strawberry_page)
    if served_page is local_page:
        expected = [tag.replace(CDN, "/graphiql-assets/") for tag in expected]
    assert tags.findall(served_page()) == expected
    assert len(expected) == 8  # the icon and the seven pinned assets


def test_graphiql_page_an_operations_text_cannot_end_its_script(tmp_path: Path) -> None:
    # GIVEN an operation whose comment holds markup
    for name in FIRST:
        (tmp_path / f"{name}.graphql").write_text(f"query {name} {{ __typename }}\n")
    hostile = "# </script><script>alert(1)</script> & <!--\nquery Hostile { __typename }\n"
    (tmp_path / "hostile.graphql").write_text(hostile)

    # WHEN the page is built from it
    page = graphiql_page([tmp_path])

    # THEN the page has Strawberry's scripts and the tabs' one, and the tab holds the text
    strawberry_page = web.graphiql.get_graphql_ide_html(graphql_ide="graphiql")
    assert page.count("</script>") == strawberry_page.count("</script>") + 1
    assert page.count("<!--") == strawberry_page.count("<!--")
    assert tabs_of(page)[-1]["query"] == hostile


def test_graphiql_tabs_file_is_up_to_date() -> None:
    # The page reads web/graphiql-tabs.json (package data, for a wheel install too).
    assert web.graphiql.TABS.read_text() == web.graphiql.render_tabs(), "run `make clients`"


def test_graphiql_page_fails_when_a_first_operation_is_missing(tmp_path: Path) -> None:
    (tmp_path / "navigation_menu.graphql").write_text("query NavigationMenu { __typename }\n")

    with pytest.raises(MissingOperation, match="category_breadcrumbs, product_by_slug"):
        graphiql_page([tmp_path])


def test_graphiql_page_fails_when_strawberrys_template_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a Strawberry whose page builds GraphiQL's props otherwise
    template = web.graphiql.get_graphql_ide_html(graphql_ide="graphiql")
    changed = template.replace("fetcher: fetcher,", "fetcher,")
    monkeypatch.setattr(web.graphiql, "get_graphql_ide_html", lambda graphql_ide: changed)

    # THEN the page is not built (nor served) without its tabs
    with pytest.raises(TemplateChanged, match="fetcher: fetcher,"):
        graphiql_page()
