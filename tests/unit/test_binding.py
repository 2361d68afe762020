"""Binding the store: the models read the tables and endpoint of the settings bound."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

import compose
from models import Category, Product
from settings import Settings
from store import compat

SETTINGS = Settings.from_env({})


@pytest.fixture(autouse=True)
def rebound() -> Iterator[None]:
    yield
    compose.bind_store(Settings.from_env())


def test_binding_points_the_models_at_the_settings_tables_and_endpoint() -> None:
    compose.bind_store(replace(SETTINGS, products_table="p1", endpoint_url="http://127.0.0.1:1"))

    connection = compat.connection(Product)
    assert (Product.Meta.table_name, connection.host) == ("p1", "http://127.0.0.1:1")
    assert Category.Meta.table_name == SETTINGS.categories_table


def test_binding_other_tables_gives_the_models_other_connections() -> None:
    compose.bind_store(replace(SETTINGS, products_table="p1"))
    first = compat.connection(Product)

    compose.bind_store(replace(SETTINGS, products_table="p2"))

    assert compat.connection(Product) is not first


def test_binding_back_to_tables_bound_before_keeps_their_connections() -> None:
    compose.bind_store(replace(SETTINGS, products_table="p1"))
    first = (compat.connection(Product), compat.connection(Category))

    compose.bind_store(replace(SETTINGS, products_table="p2", endpoint_url="http://127.0.0.1:1"))
    compose.bind_store(replace(SETTINGS, products_table="p1", max_depth=7))

    assert (compat.connection(Product), compat.connection(Category)) == first
    assert Product.Meta.table_name == "p1"
