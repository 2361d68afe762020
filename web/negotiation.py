"""Content negotiation of GraphQL over HTTP: which media type an answer is sent as.

The spec (graphql.github.io/graphql-over-http/draft, "Accept" and "Legacy Watershed")
asks servers to answer `application/graphql-response+json`, whose status codes tell
request errors from results, and still `application/json` for legacy clients, which
expect every well-formed request answered 200. No Accept header means a legacy
client; `*/*` and `application/*` get `application/json` too, as the spec's audit
(npm `graphql-http`) expects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_WILDCARDS = ("*/*", "application/*")
# Only headers this short are cached: 160 of them hold well under
# schema.caches.NEGOTIATION_CACHE_BYTES, whatever clients send.
MAX_CACHED_HEADER = 512
T = TypeVar("T")


def _short_headers_cached(
    maxsize: int,
) -> Callable[[Callable[[str | None], T]], Callable[[str | None], T]]:
    """`lru_cache` for the headers of at most MAX_CACHED_HEADER characters, and no cache
    for longer ones, so a client sending long headers cannot fill memory with them."""

    def decorate(function: Callable[[str | None], T]) -> Callable[[str | None], T]:
        cached = lru_cache(maxsize=maxsize)(function)

        def lookup(header: str | None) -> T:
            if header is not None and len(header) > MAX_CACHED_HEADER:
                return function(header)
            return cached(header)

        lookup.__doc__ = function.__doc__
        return lookup

    return decorate


@_short_headers_cached(maxsize=128)
def answer_type(accept: str | None) -> str | None:
    """The media type to answer a request with this Accept header; None if none fits (406).

    Cached: clients send the same few Accept headers over and over, so parsing one
    costs the first request with it only.
    """
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, str] | None = None
    for part in accept.split(","):
        media_range, _, parameters = part.partition(";")
        media_range = media_range.strip().lower()
        if media_range == GRAPHQL_RESPONSE:
            chosen = GRAPHQL_RESPONSE
        elif media_range == JSON or media_range in _WILDCARDS:
            chosen = JSON
        else:
            continue
        weight = _quality(parameters)
        if weight <= 0:
            continue
        # Highest quality wins; on a tie, what the client listed first.
        if best is None or weight > best[0]:
            best = (weight, chosen)
    return None if best is None else best[1]


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


@_short_headers_cached(maxsize=32)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header lets the answer be gzip-encoded."""
    if not accept_encoding:
        return False
    for part in accept_encoding.split(","):
        coding, _, parameters = part.partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return _quality(parameters) > 0
    return False
