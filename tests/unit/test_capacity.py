"""docs/capacity.md: generated from bench/results.json, and the model's arithmetic."""

from __future__ import annotations

import json

import pytest

from bench.capacity import (
    CACHE_HIT_RATIO,
    DOC,
    RESULTS,
    concurrency,
    partition_ceiling,
    render,
    requests,
    visit_cost,
)


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    return json.loads(RESULTS.read_text())  # type: ignore[no-any-return]


def test_capacity_doc_matches_the_bench_results(results: dict[str, object]) -> None:
    assert DOC.read_text() == render(results), "run `python -m bench.capacity --write`"


def test_cache_lifts_the_partition_ceiling_by_one_over_the_miss_ratio(
    results: dict[str, object],
) -> None:
    reads = requests(results)

    lifted = partition_ceiling(reads, CACHE_HIT_RATIO) / partition_ceiling(reads, 0.0)

    assert lifted == pytest.approx(1 / (1 - CACHE_HIT_RATIO))


def test_cache_takes_the_misses_share_of_function_and_table_costs(
    results: dict[str, object],
) -> None:
    reads = requests(results)
    without, cached = visit_cost(reads, 0.0), visit_cost(reads, CACHE_HIT_RATIO)

    for service in ("Lambda", "DynamoDB", "API Gateway"):
        assert cached[service] == pytest.approx(without[service] * (1 - CACHE_HIT_RATIO))
    assert without["CloudFront"] == 0 < cached["CloudFront"]


def test_concurrency_is_rate_times_time_in_the_function(results: dict[str, object]) -> None:
    reads = requests(results)

    assert concurrency(reads, 20, 0.0) == pytest.approx(2 * concurrency(reads, 10, 0.0))
    assert concurrency(reads, 10, CACHE_HIT_RATIO) < concurrency(reads, 10, 0.0)


def test_cdn_hit_ratio_is_the_assumed_one_at_a_minute_and_grows_with_the_lifetime() -> None:
    from bench.capacity import MINUTE_HIT_RATIO, hit_ratio

    assert hit_ratio(60) == pytest.approx(MINUTE_HIT_RATIO)
    assert hit_ratio(60) < hit_ratio(600) < hit_ratio(3600) < 1


def test_cdn_keeps_an_answer_between_purges_within_its_s_maxage() -> None:
    from bench.capacity import cdn_lifetime, purge_cost

    assert cdn_lifetime(5) == 60  # changes coalesce into one purge a minute
    assert cdn_lifetime(600) == 600
    assert cdn_lifetime(86_400) == 3600  # s-maxage ends it first
    assert purge_cost(5) == (43_200, pytest.approx(42_200 * 0.005))
    assert purge_cost(3600)[1] == 0  # within the free 1,000 paths
