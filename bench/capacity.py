"""`python -m bench.capacity`: docs/capacity.md's capacity and cost model, from bench/results.json.

The bench's figures (each operation's handler wall time and DynamoDB capacity units,
the cold start) meet AWS's published prices and limits (PRICES and LIMITS below, with
the page and date they were read from) to answer: what one storefront visit costs with
and without the HTTP cache, how far one list partition's read throughput goes, how much
Lambda concurrency a request rate needs, and what breaks first at 10x and 100x the
sample traffic. `--write` regenerates docs/capacity.md; a test checks it is current.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "capacity.md"


@dataclass(frozen=True)
class Prices:
    """US East (N. Virginia) on-demand prices, USD, from each service's pricing page."""

    lambda_gb_second: float = 0.0000133334  # arm64, first 7.5 B GB-s/month
    lambda_request: float = 0.20 / 1_000_000
    http_api_request: float = 1.00 / 1_000_000  # first 300 M requests/month
    dynamodb_read_unit: float = 0.125 / 1_000_000  # on-demand, since 2024-11-01
    dynamodb_write_unit: float = 0.625 / 1_000_000
    cloudfront_request: float = 0.0100 / 10_000  # HTTPS, United States
    cloudfront_invalidation_path: float = 0.005  # beyond the first 1,000 paths a month
    cloudfront_free_paths: int = 1000
    eventbridge_event: float = 1.00 / 1_000_000  # custom events put on a bus
    source: str = (
        "aws.amazon.com/lambda/pricing, /api-gateway/pricing, /dynamodb/pricing/on-demand, "
        "/cloudfront/pricing, read 2026-11-28 (us-east-1; free tiers ignored)"
    )


@dataclass(frozen=True)
class Limits:
    """Default quotas and hard limits, from each service's quotas page."""

    partition_read_units: int = 3000  # per partition per second, hard
    lambda_concurrency: int = 1000  # per account and region, default quota
    lambda_scaling_per_10s: int = 1000  # new concurrent executions per function per 10 s
    http_api_rps: int = 10_000  # per account and region, default quota (burst 5,000)
    source: str = (
        "docs.aws.amazon.com: DynamoDB service quotas and partitions, Lambda quotas and "
        "scaling, API Gateway quotas; read 2026-11-28"
    )


PRICES = Prices()
LIMITS = Limits()
MEMORY_GB = 1.0  # infra/template.yaml MemorySize: 1024
# One storefront visit: the landing list, a category, and two product pages; every
# read except the product pages hits the same list partition (status LIVE).
VISIT = {
    "products page of 20 + category { name }": 1,
    "category page with 20 products": 1,
    "get product": 2,
}
# The sample traffic the 10x and 100x rows scale: 10 visits a second at peak.
SAMPLE_VISITS_PER_SECOND = 10
# Share of public GET reads a CDN or browser cache answers when an answer lives 60 s
# (max-age=60): a catalog read by many visitors repeats the same few URLs (list pages,
# popular products) within a minute. An assumption, stated as such.
MINUTE_HIT_RATIO = 0.9
MINUTE = 60.0
# The CDN keeps an answer for s-maxage (an hour) unless a catalog change purges it first
# (docs/events.md): its lifetime is the time between purges, at least the purge interval.
SHARED_MAX_AGE = 3600.0
PURGE_INTERVAL = 60.0
# How often the sample catalog changes: a shop editing a product every 10 minutes.
SAMPLE_CHANGE_SECONDS = 600.0
SECONDS_PER_MONTH = 30 * 24 * 3600


def hit_ratio(lifetime: float) -> float:
    """Share of a URL's requests answered from a cache that keeps it `lifetime` seconds.

    Each miss starts a lifetime; the requests arriving during it are hits. At r requests
    a second, a cycle holds 1 + r x lifetime requests, 1 of them a miss. r comes from
    MINUTE_HIT_RATIO at a 60 s lifetime (9 hits per miss: r = 0.15/s).
    """
    rate = MINUTE_HIT_RATIO / (1 - MINUTE_HIT_RATIO) / MINUTE
    return rate * lifetime / (1 + rate * lifetime)


def cdn_lifetime(change_seconds: float) -> float:
    """How long the CDN keeps an answer when the catalog changes every `change_seconds`."""
    return min(SHARED_MAX_AGE, max(PURGE_INTERVAL, change_seconds))


def purge_cost(change_seconds: float) -> tuple[float, float]:
    """Invalidations a month, and their USD, when the catalog changes every `change_seconds`."""
    purges = SECONDS_PER_MONTH / max(PURGE_INTERVAL, change_seconds)
    paid = max(0.0, purges - PRICES.cloudfront_free_paths)
    return purges, paid * PRICES.cloudfront_invalidation_path


CACHE_HIT_RATIO = hit_ratio(cdn_lifetime(SAMPLE_CHANGE_SECONDS))


@dataclass(frozen=True)
class Request:
    """What one request of an operation costs, from the bench."""

    name: str
    wall_ms: float
    read_units: float


def requests(results: dict[str, Any]) -> dict[str, Request]:
    rows = {row["operation"]: row for row in results["operations"]}
    return {
        name: Request(name, rows[name]["handler_ms"]["median"], rows[name]["capacity_units"])
        for name in VISIT
    }


def visit_cost(reads: dict[str, Request], hit_ratio: float) -> dict[str, float]:
    """USD per visit by service: the misses reach the function, every request the CDN."""
    count = sum(VISIT.values())
    misses = 1 - hit_ratio
    gb_seconds = sum(n * reads[name].wall_ms / 1000 * MEMORY_GB for name, n in VISIT.items())
    read_units = sum(n * reads[name].read_units for name, n in VISIT.items())
    cost = {
        "CloudFront": count * PRICES.cloudfront_request if hit_ratio > 0 else 0.0,
        "API Gateway": count * misses * PRICES.http_api_request,
        "Lambda": misses * (count * PRICES.lambda_request + gb_seconds * PRICES.lambda_gb_second),
        "DynamoDB": misses * read_units * PRICES.dynamodb_read_unit,
    }
    cost["total"] = sum(cost.values())
    return cost


def partition_ceiling(reads: dict[str, Request], hit_ratio: float) -> float:
    """Visits a second one list partition serves before DynamoDB throttles it."""
    list_units = sum(
        n * reads[name].read_units for name, n in VISIT.items() if name != "get product"
    )
    return LIMITS.partition_read_units / (list_units * (1 - hit_ratio))


def concurrency(reads: dict[str, Request], visits_per_second: float, hit_ratio: float) -> float:
    """Lambda executions busy at once (Little's law: arrival rate x time in the function)."""
    seconds = sum(n * reads[name].wall_ms / 1000 for name, n in VISIT.items())
    return visits_per_second * (1 - hit_ratio) * seconds


def first_break(reads: dict[str, Request], visits_per_second: float, hit_ratio: float) -> str:
    """The first hard limit the load reaches, by how much of it it uses.

    The template's stage throttle is left out: it is a guard set on purpose, not a limit.
    """
    per_visit = sum(VISIT.values())
    used = {
        "the list partition (3,000 RCU)": visits_per_second / partition_ceiling(reads, hit_ratio),
        "Lambda concurrency (1,000)": concurrency(reads, visits_per_second, hit_ratio)
        / LIMITS.lambda_concurrency,
        "the account's HTTP API quota (10,000 rps)": visits_per_second
        * per_visit
        * (1 - hit_ratio)
        / LIMITS.http_api_rps,
    }
    name, share = max(used.items(), key=lambda item: item[1])
    return f"{name} at {share:.0%}" if share >= 1 else f"nothing ({name} at {share:.0%})"


def cdn_section() -> list[str]:
    """How the CDN's hit ratio and purge bill follow how often the catalog changes."""
    lines = [
        "",
        "## CDN hit ratio",
        "",
        "A catalog change purges every cached public answer, at most once every "
        f"{PURGE_INTERVAL:.0f} s",
        "([events.md](events.md#cdn-freshness)), so the CDN keeps an answer until the next",
        "change, an hour at most. The model: a cached URL is asked for at a steady rate, set",
        f"so that a 60 s lifetime (the former max-age=60) answers {MINUTE_HIT_RATIO:.0%} of",
        "its requests; each miss starts a lifetime, and the requests within it are hits.",
        f"An invalidation costs ${PRICES.cloudfront_invalidation_path} a path past the "
        f"first {PRICES.cloudfront_free_paths:,} a month",
        "(one path per purge); each change is also one EventBridge event "
        f"(${PRICES.eventbridge_event * 1e6:.2f} per million).",
        "",
        "| the catalog changes every | CDN keeps an answer | hit ratio | purges a month "
        "| USD a month |",
        "|---|---|---|---|---|",
    ]
    for label, seconds in (
        ("minute or faster", 60.0),
        ("10 minutes", 600.0),
        ("hour or slower", 3600.0),
    ):
        lifetime = cdn_lifetime(seconds)
        purges, cost = purge_cost(seconds)
        lines.append(
            f"| {label} | {lifetime:,.0f} s | {hit_ratio(lifetime):.1%} | {purges:,.0f} "
            f"| {cost:,.2f} |"
        )
    return lines


def render(results: dict[str, Any]) -> str:
    reads = requests(results)
    cold = results["cold_start"]["import_and_first_request"]["handler_ms"]["median"]
    without, with_cache = visit_cost(reads, 0.0), visit_cost(reads, CACHE_HIT_RATIO)
    lines = [
        "# Capacity and cost",
        "",
        "For operators: what the storefront costs per visit and where it stops scaling.",
        "Generated by `python -m bench.capacity --write` from `bench/results.json` "
        f"({results['mode']} bench, {results['machine']}); a test fails when it is stale.",
        "",
        f"- Prices: {PRICES.source}.",
        f"- Limits: {LIMITS.source}.",
        "- Function time is the bench's median handler wall time against DynamoDB Local, "
        "billed at 1,024 MB; DynamoDB's latency in AWS differs, so treat the Lambda rows as "
        "the order of magnitude. Read units are the ConsumedCapacity DynamoDB returned.",
        f"- A visit is {', '.join(f'{n} x {name}' for name, n in VISIT.items())}. "
        f"With the cache, {CACHE_HIT_RATIO:.1%} of its GETs are answered by the CDN or the "
        f"browser: the CDN keeps an answer until a catalog change purges it (s-maxage "
        f"{SHARED_MAX_AGE:.0f} s at most), and the sample catalog changes every "
        f"{SAMPLE_CHANGE_SECONDS / 60:.0f} minutes; see [CDN hit ratio](#cdn-hit-ratio).",
        f"- A cold start adds {cold:.0f} ms (import and first request) to the first request "
        "of each new execution environment.",
        "",
        "## Per request",
        "",
        "| operation | handler ms | read units |",
        "|---|---|---|",
    ]
    for request in reads.values():
        lines.append(f"| {request.name} | {request.wall_ms:.2f} | {request.read_units:g} |")
    lines += [
        "",
        "## One visit",
        "",
        "| USD per 1 M visits | without cache | with CDN cache |",
        "|---|---|---|",
    ]
    for service in without:
        lines.append(
            f"| {service} | {without[service] * 1e6:.2f} | {with_cache[service] * 1e6:.2f} |"
        )
    lines += cdn_section()
    lines += [
        "",
        "## Ceilings",
        "",
        "Every list read hits one partition of the sparse index (status `LIVE`), which",
        f"serves at most {LIMITS.partition_read_units:,} read units a second; the cache",
        "multiplies that ceiling by 1 / (1 - hit ratio).",
        "",
        "| | without cache | with CDN cache |",
        "|---|---|---|",
        f"| visits/s one list partition serves | {partition_ceiling(reads, 0.0):,.0f} | "
        f"{partition_ceiling(reads, CACHE_HIT_RATIO):,.0f} |",
    ]
    for factor in (1, 10, 100):
        rate = SAMPLE_VISITS_PER_SECOND * factor
        lines.append(
            f"| Lambda concurrency at {rate:,} visits/s | "
            f"{concurrency(reads, rate, 0.0):,.1f} | "
            f"{concurrency(reads, rate, CACHE_HIT_RATIO):,.1f} |"
        )
    lines += [
        "",
        f"## What breaks first ({SAMPLE_VISITS_PER_SECOND} visits/s sample)",
        "",
        "| load | without cache | with CDN cache |",
        "|---|---|---|",
    ]
    for factor in (1, 10, 100):
        rate = SAMPLE_VISITS_PER_SECOND * factor
        lines.append(
            f"| {factor}x ({rate:,} visits/s) | {first_break(reads, rate, 0.0)} | "
            f"{first_break(reads, rate, CACHE_HIT_RATIO)} |"
        )
    lines += [
        "",
        "The template's stage throttle (`ThrottlingRateLimit`, 50 requests/s, so 12.5",
        "uncached visits/s) answers 429 first: it is a guard to raise deliberately, not a",
        "limit. Past it, the list partition is the hard ceiling without a cache; Lambda's",
        "default concurrency quota (raised on request) comes long after. Lambda adds",
        f"{LIMITS.lambda_scaling_per_10s:,} executions per function every 10 seconds, so a",
        "sudden 100x spike is absorbed within seconds.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/capacity.md")
    args = parser.parse_args()
    text = render(json.loads(RESULTS.read_text()))
    if args.write:
        DOC.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
