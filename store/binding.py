"""Binding the store to the settings: the tables, the endpoint and the request hooks."""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from models import CLAIMS, MODELS, Category, Product
from models import images as image_files
from settings import Settings
from store import compat

Tables = tuple[str, str, str | None, str]
# The tables, endpoint and region the models were last bound to.
_bound: list[Tables] = []
# The models' connections of tables bound before: binding back to them keeps their
# botocore clients, each ~60 ms of CPU to make (a session loads endpoint and service
# data). Tests switch between two backends and no backend for every test.
_kept: dict[Tables, dict[type[Model], Any]] = {}
KEPT_BINDINGS = 8


def bind(settings: Settings) -> None:
    """Point every model and the image store at what `settings` names.

    PynamoDB reads a model's connection settings from its `Meta` class, so binding
    is per process: the composition root calls this once, before any call, and a
    test that builds other settings binds again. Settings that name the same tables,
    endpoint and region keep the models' connections (and their clients), as do
    settings that name tables, endpoint and region bound before.
    """
    tables = (
        settings.products_table,
        settings.categories_table,
        settings.endpoint_url,
        settings.region,
    )
    if _bound != [tables]:
        kept = _kept.pop(tables, {})
        previous: dict[type[Model], Any] = {
            model: compat.swap_connection(model, kept.get(model)) for model in MODELS
        }
        if _bound:
            _kept[_bound[0]] = previous
            while len(_kept) > KEPT_BINDINGS:
                del _kept[next(iter(_kept))]
        _bound[:] = [tables]
        names = {Product: settings.products_table, Category: settings.categories_table}
        for model in MODELS:
            model.Meta.table_name = names[model]
            model.Meta.host = settings.endpoint_url
            model.Meta.region = settings.region
            # A claim model only shapes the items of its entity's transactions: it
            # makes no call of its own, so it needs no connection of its own.
            claim = CLAIMS[model]
            claim.Meta.table_name = names[model]
            claim.Meta.host = settings.endpoint_url
            claim.Meta.region = settings.region
            compat.forget_connection(claim)
    image_files.configure(
        image_files.ImageConfig(
            bucket=settings.images_bucket,
            base_url=settings.images_base_url,
            region=settings.region,
            max_bytes=settings.max_image_bytes,
        )
    )
