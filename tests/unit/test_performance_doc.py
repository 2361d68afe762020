"""docs/performance.md is what `python -m bench.report` makes of bench/results.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bench import report


def committed_results() -> dict[str, Any]:
    results: dict[str, Any] = json.loads(report.RESULTS.read_text())
    return results


def test_performance_doc_is_generated_from_the_committed_results() -> None:
    expected = report.render(committed_results())

    assert report.PAGE.read_text() == expected, (
        "docs/performance.md is stale or was edited by hand: run `python -m bench.report` "
        "(make bench does) and commit the page"
    )


def test_performance_doc_shows_every_operation_with_its_calls() -> None:
    results = committed_results()

    page = report.render(results)

    for row in results["operations"]:
        assert f"| {row['operation']} | " in page
        assert row["minimum_why"] in page


def test_performance_doc_follows_a_met_overhead_target() -> None:
    # GIVEN results where both targeted operations are within the overhead target
    results = copy.deepcopy(committed_results())
    for row in results["operations"]:
        if row["operation"] in report.TARGETED:
            row["overhead"]["ratio"] = 1.2
    for name in results["targets_met"]["overhead_ratio"]:
        results["targets_met"]["overhead_ratio"][name] = True

    page = report.render(results)

    get_product = next(line for line in page.splitlines() if line.startswith("| get product |"))
    assert "- **Overhead**: met for both targeted operations (ratio ≤ 1.3)." in page
    assert "| 1.20 [" in get_product
    assert "] ok |" in get_product
    assert "stack floor alone is above the target" not in page


def test_performance_doc_names_operations_above_their_minimum_calls() -> None:
    results = copy.deepcopy(committed_results())
    results["targets_met"]["calls_at_minimum"]["get category"] = False

    page = report.render(results)

    assert "- **DynamoDB calls**: ABOVE MINIMUM for get category." in page
    assert "| 1 GetItem ABOVE MINIMUM |" in page


def test_report_writes_the_page_from_the_given_results(tmp_path: Path) -> None:
    results = copy.deepcopy(committed_results())
    results["python"] = "3.13.0"
    source = tmp_path / "results.json"
    source.write_text(json.dumps(results))
    page = tmp_path / "performance.md"

    assert report.main(["--results", str(source), "--output", str(page)]) == 0

    assert page.read_text() == report.render(results)
    assert "Python 3.13.0" in page.read_text()


@pytest.mark.parametrize("text", ["`make bench BENCH_ARGS=--smoke`", "`bench/results.json`"])
def test_performance_doc_never_splits_a_code_span(text: str) -> None:
    page = report.render(committed_results())

    assert text in page


def test_performance_doc_shows_change_events_once_measured() -> None:
    results = copy.deepcopy(committed_results())
    results["changes"] = {
        "records": 1000,
        "events": 1000,
        "put_events_calls": 100,
        "max_calls": 100,
        "events_per_second": {"median": 5750, "q1": 4963, "q3": 6298, "n": 20},
    }

    page = report.render(results)

    assert "## Change events" in page
    assert "| 1,000 | 5,750 [4,963-6,298] | 100 | 100 |" in page
