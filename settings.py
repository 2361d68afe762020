"""Every setting of Catalog API, read from the environment in this one place."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    """The process's configuration; see the README's configuration table."""

    region: str
    endpoint_url: str | None
    products_table: str
    categories_table: str
    admin_group: str
    graphiql: bool
    # Observability (schema/observability.py): the EMF metrics' namespace, and X-Ray
    # subsegments, off unless asked for: they need the function's active tracing.
    metrics_namespace: str
    tracing: bool

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            region=_env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1")),
            endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
            products_table=_env("CATALOG_PRODUCTS_TABLE", "catalog-products"),
            categories_table=_env("CATALOG_CATEGORIES_TABLE", "catalog-categories"),
            admin_group=_env("CATALOG_ADMIN_GROUP", "admin"),
            graphiql=_env("CATALOG_GRAPHIQL", "true").lower() in ("1", "true", "yes"),
            metrics_namespace=_env("CATALOG_METRICS_NAMESPACE", "CatalogAPI"),
            tracing=_env("CATALOG_TRACING", "false").lower() in ("1", "true", "yes"),
        )


settings = Settings.from_env()
