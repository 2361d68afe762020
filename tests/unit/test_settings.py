"""Settings: read from the environment once, strictly, each typo failing the cold start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("On", True),
        ("false", False),
        ("False", False),
        ("0", False),
        ("no", False),
        ("OFF", False),
        ("  yes ", True),
    ],
)
def test_boolean_setting_accepts_each_spelling(value: str, expected: bool) -> None:
    assert Settings.from_env({"CATALOG_INTROSPECTION": value}).introspection is expected


@pytest.mark.parametrize("value", ["ture", "enabled", "2", "y"])
@pytest.mark.parametrize(
    "variable", ["CATALOG_INTROSPECTION", "CATALOG_GRAPHIQL", "CATALOG_TRACING"]
)
def test_boolean_setting_typo_fails_naming_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"{variable} must be true or false"):
        Settings.from_env({variable: value})


def test_blank_boolean_setting_is_its_default() -> None:
    assert Settings.from_env({"CATALOG_GRAPHIQL": "  "}).graphiql is True


@pytest.mark.parametrize("value", ["ten", "1.5", "", "12a"])
def test_integer_setting_that_is_not_an_integer_fails_naming_the_variable(value: str) -> None:
    environ = {"CATALOG_MAX_DEPTH": value}
    if not value:
        # Blank is unset: the default.
        assert Settings.from_env(environ).max_depth == Settings.max_depth
        return
    with pytest.raises(SettingsError, match="CATALOG_MAX_DEPTH must be a positive integer"):
        Settings.from_env(environ)


def test_settings_come_from_the_mapping_given_not_the_process() -> None:
    settings = Settings.from_env({"CATALOG_PRODUCTS_TABLE": "shop-products"})

    assert settings.products_table == "shop-products"
    assert Settings.from_env({}).products_table == "catalog-products"


def test_search_settings_default_to_following_the_streams_under_one_prefix() -> None:
    assert Settings.from_env({}).search_bucket is None
    assert Settings.from_env({"CATALOG_SEARCH_BUCKET": " "}).search_bucket is None
    assert Settings.from_env({}).search_prefix == "search/"

    settings = Settings.from_env(
        {"CATALOG_SEARCH_BUCKET": "shop-search", "CATALOG_SEARCH_PREFIX": "/index"}
    )

    assert (settings.search_bucket, settings.search_prefix) == ("shop-search", "index/")


def test_settings_are_a_value_nothing_can_change() -> None:
    settings = Settings.from_env({})

    with pytest.raises(AttributeError):
        settings.max_depth = 99  # type: ignore[misc]


def test_lambda_cold_start_fails_on_a_typo_naming_the_variable() -> None:
    # GIVEN a deployment whose environment misspells a flag
    environ = {**os.environ, "CATALOG_INTROSPECTION": "ture"}

    # WHEN the Lambda runtime imports the handler
    result = subprocess.run(
        [sys.executable, "-c", "import handler"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )

    # THEN the import fails, saying which variable is wrong
    assert result.returncode != 0
    assert "CATALOG_INTROSPECTION must be true or false" in result.stderr


def test_importing_the_app_reads_no_setting() -> None:
    # GIVEN an environment that would fail the settings
    environ = {**os.environ, "CATALOG_MAX_DEPTH": "deep"}

    # WHEN every module but the entry point is imported
    modules = (
        "compose, web.app, web.persisted, web.observability, schema.root, store.binding, "
        "events.publisher, events.purge, "
        "search.service, search.indexer, search.streams, search.snapshots, search.backfill"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import {modules}"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )

    # THEN nothing read them: only the entry point does, when it builds the app
    assert result.returncode == 0, result.stderr
