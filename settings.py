"""Every setting of Catalog API, read from the environment in this one place.

`Settings.from_env()` reads and checks the environment once; the composition root
(`compose.py`) builds the app, the schema, the stores and the CLI from that value.
Nothing reads the environment, or a global settings object, when it is imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

TRUSTED_DOCUMENTS_MODES = ("off", "allow", "require")
TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})


class SettingsError(ValueError):
    """A variable of the environment holds a value its setting cannot take."""


class _Environment:
    """The environment's values, blank ones counting as unset, each parsed strictly."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def text(self, name: str, default: str) -> str:
        value = self.environ.get(name, "").strip()
        return value or default

    def optional(self, name: str) -> str | None:
        return self.text(name, "") or None

    def flag(self, name: str, default: bool) -> bool:
        """true/false, 1/0, yes/no or on/off in any case; anything else fails the cold start."""
        value = self.text(name, "").lower()
        if not value:
            return default
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise SettingsError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {value!r}")

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default).lower()
        if value not in choices:
            raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return value

    def positive(self, name: str, default: int) -> int:
        """A positive integer; a typo fails the cold start instead of lifting a limit."""
        value = self.text(name, str(default))
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(f"{name} must be a positive integer, not {value!r}") from None
        if number < 1:
            raise SettingsError(f"{name} must be a positive integer, not {number}")
        return number

    def images_base_url(self) -> str | None:
        """The images' public URL prefix, without a trailing slash; a bucket needs one."""
        base = self.text("CATALOG_IMAGES_BASE_URL", "").rstrip("/")
        if self.text("CATALOG_IMAGES_BUCKET", "") and not base.startswith(("https://", "http://")):
            raise SettingsError(
                "CATALOG_IMAGES_BASE_URL must be the http(s) URL images are served from "
                "when CATALOG_IMAGES_BUCKET is set"
            )
        return base or None


@dataclass(frozen=True)
class Settings:
    """The process's configuration (docs/deploy.md has the table).

    Built once by the entry point (`Settings.from_env()`) and passed to what it
    configures; tests build their own with `Settings.from_env({...})` or
    `dataclasses.replace`.
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
    max_storage_bytes: int = 16 * 1024 * 1024
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
    # None: the manifest packaged with the code (web/persisted-documents.json).
    trusted_documents_file: str | None = None
    # Catalog change events (events/): the EventBridge bus they are put on, the
    # seconds a shared cache (the CDN, which a change purges) may keep a public answer,
    # and the CloudFront distribution handler.purge_cdn invalidates.
    event_bus: str = "default"
    cache_shared_max_age: int = 3600
    cdn_distribution_id: str | None = None
    # Product search (search/): the bucket the indexer publishes index snapshots to, under
    # search_prefix. No bucket: the process keeps its own index from the tables' streams.
    search_bucket: str | None = None
    search_prefix: str = "search/"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment (this process's, unless given) sets, checked."""
        env = _Environment(os.environ if environ is None else environ)
        return cls(
            region=env.text("AWS_REGION", env.text("AWS_DEFAULT_REGION", "us-east-1")),
            endpoint_url=env.optional("AWS_ENDPOINT_URL_DYNAMODB"),
            products_table=env.text("CATALOG_PRODUCTS_TABLE", "catalog-products"),
            categories_table=env.text("CATALOG_CATEGORIES_TABLE", "catalog-categories"),
            admin_group=env.text("CATALOG_ADMIN_GROUP", "admin"),
            graphiql=env.flag("CATALOG_GRAPHIQL", True),
            max_depth=env.positive("CATALOG_MAX_DEPTH", cls.max_depth),
            max_aliases=env.positive("CATALOG_MAX_ALIASES", cls.max_aliases),
            max_directives=env.positive("CATALOG_MAX_DIRECTIVES", cls.max_directives),
            max_tokens=env.positive("CATALOG_MAX_TOKENS", cls.max_tokens),
            max_cost=env.positive("CATALOG_MAX_COST", cls.max_cost),
            max_storage_calls=env.positive("CATALOG_MAX_STORAGE_CALLS", cls.max_storage_calls),
            max_storage_bytes=env.positive("CATALOG_MAX_STORAGE_BYTES", cls.max_storage_bytes),
            max_body_bytes=env.positive("CATALOG_MAX_BODY_BYTES", cls.max_body_bytes),
            introspection=env.flag("CATALOG_INTROSPECTION", cls.introspection),
            field_suggestions=env.flag("CATALOG_FIELD_SUGGESTIONS", cls.field_suggestions),
            service_name=env.text("POWERTOOLS_SERVICE_NAME", cls.service_name),
            log_level=env.text("POWERTOOLS_LOG_LEVEL", cls.log_level).upper(),
            metrics_namespace=env.text(
                "POWERTOOLS_METRICS_NAMESPACE",
                env.text("CATALOG_METRICS_NAMESPACE", cls.metrics_namespace),
            ),
            tracing=env.flag("CATALOG_TRACING", cls.tracing)
            and not env.flag("POWERTOOLS_TRACE_DISABLED", False),
            images_bucket=env.text("CATALOG_IMAGES_BUCKET", "") or None,
            images_base_url=env.images_base_url(),
            max_image_bytes=env.positive("CATALOG_MAX_IMAGE_BYTES", cls.max_image_bytes),
            cache_max_age=env.positive("CATALOG_CACHE_MAX_AGE", cls.cache_max_age),
            cache_stale_while_revalidate=env.positive(
                "CATALOG_CACHE_STALE_WHILE_REVALIDATE", cls.cache_stale_while_revalidate
            ),
            apq_cache_size=env.positive("CATALOG_APQ_CACHE_SIZE", cls.apq_cache_size),
            trusted_documents=env.choice(
                "CATALOG_TRUSTED_DOCUMENTS", cls.trusted_documents, TRUSTED_DOCUMENTS_MODES
            ),
            trusted_documents_file=env.optional("CATALOG_TRUSTED_DOCUMENTS_FILE"),
            event_bus=env.text("CATALOG_EVENT_BUS", cls.event_bus),
            cache_shared_max_age=env.positive(
                "CATALOG_CACHE_SHARED_MAX_AGE", cls.cache_shared_max_age
            ),
            cdn_distribution_id=env.optional("CATALOG_CDN_DISTRIBUTION_ID"),
            search_bucket=env.optional("CATALOG_SEARCH_BUCKET"),
            search_prefix=env.text("CATALOG_SEARCH_PREFIX", cls.search_prefix).strip("/") + "/",
        )
