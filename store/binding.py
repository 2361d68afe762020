"""Binding the store to the settings: the tables, the endpoint and the request hooks."""

from __future__ import annotations

from models import MODELS, Category, Product
from models import images as image_files
from settings import Settings
from store import compat

# The tables, endpoint and region the models were last bound to.
_bound: list[tuple[str, str, str | None, str]] = []


def bind(settings: Settings) -> None:
    """Point every model and the image store at what `settings` names.

    PynamoDB reads a model's connection settings from its `Meta` class, so binding
    is per process: the composition root calls this once, before any call, and a
    test that builds other settings binds again. Settings that name the same tables,
    endpoint and region keep the models' connections (and their clients).
    """
    tables = (
        settings.products_table,
        settings.categories_table,
        settings.endpoint_url,
        settings.region,
    )
    if _bound != [tables]:
        _bound[:] = [tables]
        names = {Product: settings.products_table, Category: settings.categories_table}
        for model in MODELS:
            model.Meta.table_name = names[model]
            model.Meta.host = settings.endpoint_url
            model.Meta.region = settings.region
            compat.forget_connection(model)
    image_files.configure(
        image_files.ImageConfig(
            bucket=settings.images_bucket,
            base_url=settings.images_base_url,
            region=settings.region,
            max_bytes=settings.max_image_bytes,
        )
    )
