"""Every setting of Catalog API, read from the environment in this one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TRUSTED_DOCUMENTS_MODES = ("off", "allow", "require")
# Written by `make clients`; the packaged artifact carries it at the same place.
MANIFEST = Path(__file__).parent / "clients" / "persisted-documents.json"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _flag(name: str, default: bool) -> bool:
    return _env(name, "true" if default else "false").lower() in ("1", "true", "yes")


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env(name, default).lower()
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _positive(name: str, default: int) -> int:
    """A positive integer setting; a typo fails the cold start instead of lifting a limit."""
    value = int(_env(name, str(default)))
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value}")
    return value


def _images_base_url() -> str | None:
    """The images' public URL prefix, without a trailing slash; a bucket needs one."""
    base = _env("CATALOG_IMAGES_BASE_URL", "").rstrip("/")
    if _env("CATALOG_IMAGES_BUCKET", "") and not base.startswith(("https://", "http://")):
        raise ValueError(
            "CATALOG_IMAGES_BASE_URL must be the http(s) URL images are served from "
            "when CATALOG_IMAGES_BUCKET is set"
        )
    return base or None


@dataclass
class Settings:
    """The process's configuration (docs/deploy.md has the table).

    One instance, `settings`, read by every module where it needs a value. Tests
    change a field with `monkeypatch.setattr(settings, ...)`; nothing else writes it.
    """

    region: str
    endpoint_url: str | None
    products_table: str
    categories_table: str
    admin_group: str
    graphiql: bool
    # Request limits; docs/security.md explains each default.
    max_depth: int = 8
    max_aliases: int = 15
    max_directives: int = 50
    max_tokens: int = 1000
    max_cost: int = 5000
    max_storage_calls: int = 120
    max_body_bytes: int = 128 * 1024
    introspection: bool = True
    field_suggestions: bool = False
    # Observability (web/observability.py, with AWS Lambda Powertools): Powertools'
    # own variables, with the project's older CATALOG_* names as their defaults. X-Ray
    # subsegments are off unless asked for: they need the function's active tracing.
    service_name: str = "catalog-api"
    log_level: str = "INFO"
    metrics_namespace: str = "CatalogAPI"
    tracing: bool = False
    # Product images (resolvers/images.py): the bucket they are uploaded to and kept in,
    # the public URL of its images/ prefix (a CDN), and the largest file accepted. No
    # bucket turns the image mutations off. The S3 endpoint is botocore's own
    # AWS_ENDPOINT_URL_S3, read by botocore itself.
    images_bucket: str | None = None
    images_base_url: str | None = None
    max_image_bytes: int = 5 * 1024 * 1024
    # HTTP caching of successful public GET reads (web/app.py): seconds a cache may
    # serve an answer, then seconds it may serve it stale while it revalidates.
    cache_max_age: int = 60
    cache_stale_while_revalidate: int = 300
    # Persisted documents (web/persisted.py): the automatic persisted queries each
    # container remembers, and whether the clients' manifest is trusted or required.
    apq_cache_size: int = 1000
    trusted_documents: str = "off"
    trusted_documents_file: str = str(MANIFEST)
    # Product search (search/): the bucket the indexer publishes index snapshots to, under
    # search_prefix. No bucket: the process keeps its own index from the tables' streams.
    search_bucket: str | None = None
    search_prefix: str = "search/"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            region=_env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1")),
            endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
            products_table=_env("CATALOG_PRODUCTS_TABLE", "catalog-products"),
            categories_table=_env("CATALOG_CATEGORIES_TABLE", "catalog-categories"),
            admin_group=_env("CATALOG_ADMIN_GROUP", "admin"),
            graphiql=_flag("CATALOG_GRAPHIQL", True),
            max_depth=_positive("CATALOG_MAX_DEPTH", cls.max_depth),
            max_aliases=_positive("CATALOG_MAX_ALIASES", cls.max_aliases),
            max_directives=_positive("CATALOG_MAX_DIRECTIVES", cls.max_directives),
            max_tokens=_positive("CATALOG_MAX_TOKENS", cls.max_tokens),
            max_cost=_positive("CATALOG_MAX_COST", cls.max_cost),
            max_storage_calls=_positive("CATALOG_MAX_STORAGE_CALLS", cls.max_storage_calls),
            max_body_bytes=_positive("CATALOG_MAX_BODY_BYTES", cls.max_body_bytes),
            introspection=_flag("CATALOG_INTROSPECTION", cls.introspection),
            field_suggestions=_flag("CATALOG_FIELD_SUGGESTIONS", cls.field_suggestions),
            service_name=_env("POWERTOOLS_SERVICE_NAME", cls.service_name),
            log_level=_env("POWERTOOLS_LOG_LEVEL", cls.log_level).upper(),
            metrics_namespace=_env(
                "POWERTOOLS_METRICS_NAMESPACE",
                _env("CATALOG_METRICS_NAMESPACE", cls.metrics_namespace),
            ),
            tracing=_flag("CATALOG_TRACING", cls.tracing)
            and not _flag("POWERTOOLS_TRACE_DISABLED", False),
            images_bucket=_env("CATALOG_IMAGES_BUCKET", "") or None,
            images_base_url=_images_base_url(),
            max_image_bytes=_positive("CATALOG_MAX_IMAGE_BYTES", cls.max_image_bytes),
            cache_max_age=_positive("CATALOG_CACHE_MAX_AGE", cls.cache_max_age),
            cache_stale_while_revalidate=_positive(
                "CATALOG_CACHE_STALE_WHILE_REVALIDATE", cls.cache_stale_while_revalidate
            ),
            apq_cache_size=_positive("CATALOG_APQ_CACHE_SIZE", cls.apq_cache_size),
            trusted_documents=_choice(
                "CATALOG_TRUSTED_DOCUMENTS", cls.trusted_documents, TRUSTED_DOCUMENTS_MODES
            ),
            trusted_documents_file=_env("CATALOG_TRUSTED_DOCUMENTS_FILE", str(MANIFEST)),
            search_bucket=_env("CATALOG_SEARCH_BUCKET", "") or None,
            search_prefix=_env("CATALOG_SEARCH_PREFIX", cls.search_prefix).strip("/") + "/",
        )


settings = Settings.from_env()
