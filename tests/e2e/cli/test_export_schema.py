"""`catalog export-schema`, and the committed schema.graphql it must match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

COMMITTED_SCHEMA = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_export_schema_matches_committed_schema_graphql_fails_when_it_drifts(
    run_catalog: Any,
) -> None:
    result = run_catalog("export-schema", "--output", "-")

    assert result.returncode == 0, result.stderr
    assert result.stdout == COMMITTED_SCHEMA.read_text(), (
        "schema.graphql is stale: run `.venv/bin/catalog export-schema` and commit it"
    )


def test_export_schema_writes_the_output_file(run_catalog: Any, tmp_path: Path) -> None:
    result = run_catalog("export-schema", "--output", "api.graphql")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Wrote api.graphql\n"
    text = (tmp_path / "api.graphql").read_text()
    assert "type Query {" in text
    assert "type Mutation {" in text
    assert text.endswith("}\n")
