"""Search's matching, ranking, facets, cursors and refusals, on an in-memory index of the
sample shop (cli/sample.py) and a few products of our own; no DynamoDB is read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cli.sample import CATEGORIES, PRODUCTS
from errors import BadUserInput
from resolvers import search as searching
from resolvers.search import SearchFilter
from search.engine import META_FILE, SearchIndex
from search.service import FixedIndex, SearchService
from search.types import CATEGORY, PRODUCT, CategoryEntry, Change, ProductEntry, SearchPage
from tests.client import DEFAULT_SETTINGS

# The index the resolvers search here: each test's fixture puts an in-memory one in place.
service = SearchService(DEFAULT_SETTINGS)

# (id, category, name, price, stock, description) beside the sample shop's products.
EXTRAS = (
    ("x-backpack", "cat-accessories", "Hiking Backpack", "89", 5, "Thirty litres."),
    ("x-cafe", "cat-kitchen", "Café Mug", "12", 3, "Enamel."),
    ("x-cafe-decomposed", "cat-kitchen", "Cafe\u0301 Spoon", "4", 3, "Tiny."),
    ("x-battery", "cat-accessories", "Spare Battery", "9", 0, "For the headlamp."),
    ("x-box", "cat-kitchen", "Bento Box", "15", 8, "Lunch, sorted."),
    ("x-jackets", "cat-apparel", "Kids' Jackets", "45", 6, "A pack of two."),
    ("x-sleeping-bag", "cat-sleeping-gear", "Sleeping Bag Liner", "30", 9, "Silk."),
    ("x-sleping", "cat-sleeping-gear", "Sleping Mat", "25", 9, "A typo in the catalog."),
)


def _ancestors(category_id: str | None) -> tuple[str, ...]:
    """The sample category's path above it, root first."""
    parents = {c.id: c.parent_id for c in CATEGORIES}
    parent = parents.get(category_id or "")
    return (*_ancestors(parent), parent) if parent else ()


def _entries() -> list[Change]:
    changes = [
        Change(CATEGORY, c.id, CategoryEntry(c.id, c.name, _ancestors(c.id)), 1) for c in CATEGORIES
    ]
    rows = [(p.id, p.category_id, p.name, p.price, p.stock, p.description) for p in PRODUCTS]
    for number, (item_id, category, name, price, stock, description) in enumerate([*rows, *EXTRAS]):
        entry = ProductEntry(
            id=item_id,
            name=name,
            description=description,
            price=str(Decimal(price)),
            in_stock=stock > 0,
            created=f"2026-01-01T00:{number // 60:02d}:{number % 60:02d}.000000+0000",
            category_id=category,
        )
        changes.append(Change(PRODUCT, item_id, entry, 1))
    return changes


@pytest.fixture(scope="module")
def shop_index() -> SearchIndex:
    index = SearchIndex()
    index.apply(_entries())
    return index


@pytest.fixture
def index(shop_index: SearchIndex) -> Iterator[SearchIndex]:
    service.use(FixedIndex(shop_index))
    yield shop_index
    service.use(None)


@pytest.fixture
def fresh_index() -> Iterator[SearchIndex]:
    """An index of its own, for tests that change it."""
    index = SearchIndex()
    index.apply(_entries())
    service.use(FixedIndex(index))
    yield index
    service.use(None)


def search_page(*arguments: Any, **options: Any) -> SearchPage:
    """resolvers.search.search_page of the tests' index."""
    return searching.search_page(service, *arguments, **options)


def ids(query: str = "", first: int = 100, **options: Any) -> list[str]:
    return [product_id for _, product_id in search_page(query, first, None, **options).items]


def refusal(**arguments: Any) -> str:
    with pytest.raises(BadUserInput) as refused:
        search_page(**{"query": "", "first": 20, "after": None, **arguments})
    return refused.value.message


# Matching


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("boots", "prod-hiking-boot"),
        ("jacket", "x-jackets"),
        ("jackets", "prod-down-jacket"),
        ("batteries", "x-battery"),
        ("boxes", "x-box"),
    ],
)
def test_search_singular_and_plural_find_each_other(index: SearchIndex, query: str, found: str):
    assert found in ids(query)


# Upper case, precomposed, decomposed, full-width (NFKC makes it ASCII).
@pytest.mark.parametrize("query", ["cafe", "CAFÉ", "Café", "Cafe\u0301", "\uff43\uff41\uff46e"])
def test_search_ignores_case_accents_and_their_encoding(index: SearchIndex, query: str):
    # First, without a typo; "care" (First-Aid Kit) follows, one edit away.
    found = ids(query)
    assert set(found[:2]) == {"x-cafe", "x-cafe-decomposed"}
    assert found[2:] == ["prod-first-aid-kit"]


@pytest.mark.parametrize(
    ("query", "found"),
    [("backpak", "x-backpack"), ("hikng", "prod-hiking-boot"), ("hikign", "prod-hiking-boot")],
)
def test_search_forgives_one_typo_in_a_word_of_4_to_7(index: SearchIndex, query: str, found: str):
    assert found in ids(query)


def test_search_forgives_two_typos_in_a_word_of_8_or_more(index: SearchIndex):
    assert "x-backpack" in ids("bakcpakc")  # backpack: two transpositions


def test_search_does_not_forgive_two_typos_in_a_short_word(index: SearchIndex):
    assert ids("hkng") == []


def test_search_does_not_forgive_a_typo_in_a_word_under_4(index: SearchIndex):
    assert "prod-gps-watch" not in ids("gos")


def test_search_needs_every_word(index: SearchIndex):
    assert ids("rain shell") == ["prod-rain-shell"]
    assert ids("rain sandal") == []


def test_search_completes_the_last_word_only(index: SearchIndex):
    assert ids("rain jac") == ["prod-rain-shell"]
    assert ids("jac rain") == []


def test_search_blank_query_is_the_empty_query(index: SearchIndex):
    assert ids("   ") == ids("")
    assert len(ids("")) == len(PRODUCTS) + len(EXTRAS)


# Ranking


def test_search_ranks_matches_without_typos_first(index: SearchIndex):
    found = ids("sleeping")
    # Without a typo: four in the name, then one in the description only.
    assert set(found[:4]) == {
        "prod-sleeping-pad",
        "x-sleeping-bag",
        "prod-sleeping-bag",
        "prod-synthetic-bag",
    }
    assert found[4] == "prod-dry-bag"
    # One edit away ("sleping" in the name), then in descriptions ("sleeve").
    assert found[5:] == ["x-sleping", "prod-running-tee", "prod-base-layer"]


def test_search_ranks_more_words_in_the_name_first(index: SearchIndex):
    found = ids("merino")
    assert found[0] == "prod-running-tee"
    assert set(found[1:]) == {"prod-wool-socks", "prod-base-layer"}


def test_search_empty_query_is_in_name_order(index: SearchIndex):
    assert ids("")[:3] == ["prod-approach-shoe", "prod-tent-2p", "prod-tent-4p"]
    assert ids("") == ids("", sort="NAME")


@pytest.mark.parametrize("sort", ["PRICE", "NAME", "CREATED_AT", "RELEVANCE"])
def test_search_reverse_is_the_exact_reverse(index: SearchIndex, sort: str):
    assert ids("trail", sort=sort, reverse=True) == ids("trail", sort=sort)[::-1]


def test_search_by_price_ties_by_name_then_id(index: SearchIndex):
    found = ids("", sort="PRICE")
    assert found[:3] == ["prod-sticker", "x-cafe-decomposed", "prod-fuel"]
    assert found[-1] == "prod-tent-4p"


def test_search_by_creation_time(index: SearchIndex):
    assert ids("", sort="CREATED_AT")[:2] == ["prod-trail-runner", "prod-road-racer"]


# Filters and facets


def test_search_filter_every_field_holds(index: SearchIndex):
    found = ids(
        "",
        search_filter=SearchFilter(
            category_id="cat-footwear", price_min=Decimal(50), price_max=Decimal(150), in_stock=True
        ),
        sort="PRICE",
    )
    assert found == [
        "prod-kids-trail",
        "prod-daily-trainer",
        "prod-trail-runner",
        "prod-approach-shoe",
    ]


def test_search_facets_count_categories_and_stock(index: SearchIndex):
    page = search_page("trail", 20, None)
    # Without a category filter, the root categories. Trailhead Sticker has no category:
    # counted, in no category's value.
    assert dict(page.categories) == {"cat-outdoor": 4, "cat-apparel": 1}
    assert dict(page.in_stock) == {True: 6}
    assert page.total_count == 6


def test_search_in_stock_facet_ignores_the_in_stock_filter(index: SearchIndex):
    page = search_page("shoe", 20, None, search_filter=SearchFilter(in_stock=False))
    assert [product for _, product in page.items] == ["prod-winter-runner"]
    assert dict(page.in_stock) == {True: 4, False: 1}
    assert dict(page.categories) == {"cat-outdoor": 1}


def test_search_price_range_ignores_the_price_filter(index: SearchIndex):
    narrowed = SearchFilter(price_min=Decimal(100), price_max=Decimal(140))
    page = search_page("shoe", 20, None, search_filter=narrowed)
    assert page.total_count == 3
    assert page.price_range == (Decimal("59.90"), Decimal("149.00"))


def test_search_price_range_is_none_without_matches(index: SearchIndex):
    page = search_page("zzzzzz", 20, None)
    assert (page.total_count, page.price_range, page.categories, page.in_stock) == (
        0,
        None,
        [],
        [],
    )


def test_search_category_filter_holds_the_subtree(index: SearchIndex):
    # Outdoor > Footwear > Running Shoes and Hiking Boots.
    below = ids("", search_filter=SearchFilter(category_id="cat-outdoor"))
    footwear = ids("", search_filter=SearchFilter(category_id="cat-footwear"))
    boots = ids("", search_filter=SearchFilter(category_id="cat-hiking-boots"))
    assert set(boots) == {"prod-hiking-boot", "prod-approach-shoe"}
    assert set(boots) < set(footwear) < set(below)
    assert len(footwear) == 8
    assert "prod-rain-shell" not in below  # Apparel is another root


def test_search_category_facet_lists_children_of_the_filter(index: SearchIndex):
    page = search_page("trail", 20, None, search_filter=SearchFilter(category_id="cat-outdoor"))
    # Each child's count holds the matches in its subtree (Camp Kitchen's under Camping).
    assert dict(page.categories) == {"cat-footwear": 2, "cat-camping": 2}
    assert page.total_count == 4


def test_search_category_facet_is_empty_on_a_leaf(index: SearchIndex):
    page = search_page("", 20, None, search_filter=SearchFilter(category_id="cat-hiking-boots"))
    assert page.total_count == 2
    assert page.categories == []


def test_search_follows_a_category_moved_in_the_tree(fresh_index: SearchIndex):
    # GIVEN Footwear (with its children) moved out of Outdoor, to the roots
    moved = [Change(CATEGORY, "cat-footwear", CategoryEntry("cat-footwear", "Footwear"), 2)]
    for child, name in (("cat-hiking-boots", "Hiking Boots"), ("cat-running-shoes", "Running")):
        moved.append(Change(CATEGORY, child, CategoryEntry(child, name, ("cat-footwear",)), 2))
    fresh_index.apply(moved)
    # THEN its products are no longer below Outdoor, and still below Footwear
    outdoor = ids("", search_filter=SearchFilter(category_id="cat-outdoor"))
    assert "prod-hiking-boot" not in outdoor
    assert "prod-hiking-boot" in ids("boot", search_filter=SearchFilter(category_id="cat-footwear"))
    page = search_page("", 100, None)
    assert dict(page.categories)["cat-footwear"] == 8


def test_search_paths_a_product_whose_category_comes_later(fresh_index: SearchIndex):
    # A product's record may come before its category's (two tables, two streams).
    entry = ProductEntry("x-new", "Gaiter", "Keeps snow out.", "25", True, "2026-01-02", "cat-x")
    fresh_index.apply([Change(PRODUCT, "x-new", entry, 1)])
    category = CategoryEntry("cat-x", "Gaiters", ("cat-outdoor", "cat-footwear"))
    fresh_index.apply([Change(CATEGORY, "cat-x", category, 1)])

    assert ids("gaiter", search_filter=SearchFilter(category_id="cat-outdoor")) == ["x-new"]


# Cursors


@pytest.mark.parametrize("sort", ["RELEVANCE", "PRICE", "NAME", "CREATED_AT"])
@pytest.mark.parametrize("reverse", [False, True])
def test_search_pages_follow_each_other(index: SearchIndex, sort: str, reverse: bool):
    everything = ids("t", sort=sort, reverse=reverse)
    seen: list[str] = []
    after = None
    while True:
        page = search_page("t", 7, after, sort=sort, reverse=reverse)
        seen += [product_id for _, product_id in page.items]
        if not page.has_next_page:
            break
        after = page.items[-1][0]
    assert seen == everything
    assert len(everything) > 14


def test_search_cursor_takes_another_page_size(index: SearchIndex):
    cursor = search_page("trail", 2, None).items[-1][0]
    assert [p for _, p in search_page("trail", 3, cursor).items] == ids("trail")[2:5]


@pytest.mark.parametrize(
    "other",
    [
        {"query": "trial"},
        {"sort": "PRICE"},
        {"reverse": True},
        {"search_filter": SearchFilter(in_stock=True)},
    ],
)
def test_search_refuses_a_cursor_of_another_search(index: SearchIndex, other: dict[str, Any]):
    cursor = search_page("trail", 2, None).items[-1][0]
    assert refusal(**{"query": "trail", "after": cursor, **other}) == (
        "after is not a valid cursor for this list."
    )


@pytest.mark.parametrize("cursor", ["abc", "djE6c2VhcmNoLTEyMzpbXQ", "", "x" * 3000])
def test_search_refuses_a_forged_cursor(index: SearchIndex, cursor: str):
    assert "after is not a valid cursor" in refusal(after=cursor)


# Refusals


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"query": "a" * 201}, "query must be at most 200 characters."),
        ({"query": "a " * 11}, "query must be at most 10 words."),
        ({"first": 0}, "first must be between 1 and 100."),
        ({"first": 101}, "first must be between 1 and 100."),
        (
            {"search_filter": SearchFilter(price_min=Decimal(-1))},
            "priceMin must be at least 0 and less than 1000000000.",
        ),
        (
            {"search_filter": SearchFilter(price_max=Decimal("1.00001"))},
            "priceMax must have at most 4 decimal places.",
        ),
        (
            {"search_filter": SearchFilter(price_min=Decimal(5), price_max=Decimal(4))},
            "priceMin must not be greater than priceMax.",
        ),
        (
            {"search_filter": SearchFilter(category_id="cat-nope")},
            "categoryId cat-nope is not a category.",
        ),
        ({"search_filter": SearchFilter(category_id="no/t")}, "categoryId must be 1-64"),
    ],
)
def test_search_refuses_bad_input_naming_the_argument(
    index: SearchIndex, arguments: dict[str, Any], message: str
):
    assert refusal(**arguments).startswith(message)


def test_search_refuses_a_deleted_category(fresh_index: SearchIndex):
    fresh_index.apply([Change(CATEGORY, "cat-tents", None, 2)])
    assert refusal(search_filter=SearchFilter(category_id="cat-tents")) == (
        "categoryId cat-tents is not a category."
    )


# Liveness and freshness of the index


def test_search_never_counts_a_product_no_longer_live(fresh_index: SearchIndex):
    fresh_index.apply([Change(PRODUCT, "prod-rain-shell", None, 2)])
    assert ids("rain") == []
    assert search_page("", 1, None).total_count == len(PRODUCTS) + len(EXTRAS) - 1


def test_search_ignores_a_record_older_than_the_one_applied(fresh_index: SearchIndex):
    fresh_index.apply([Change(PRODUCT, "prod-rain-shell", None, 5)])
    stale = _entries()[len(CATEGORIES) + 9]
    fresh_index.apply([Change(PRODUCT, "prod-rain-shell", stale.entry, 4)])
    assert ids("rain") == []


# Predictive search


def test_predictive_search_completes_the_last_word(index: SearchIndex):
    from resolvers.search import query_words

    prediction = index.predict(query_words("rain ja"), 5)
    assert prediction.queries == ["rain jacket"]
    assert prediction.product_ids == ["prod-rain-shell"]


def test_predictive_search_completions_most_frequent_first(index: SearchIndex):
    from resolvers.search import query_words

    queries = index.predict(query_words("sle"), 3).queries
    assert queries[0] == "sleeping"
    assert len(queries) <= 3


def test_predictive_search_finds_categories_by_the_same_rules(index: SearchIndex):
    from resolvers.search import query_words

    # "Camping" stems to "camp" and is the shorter name: the better BM25 score; the
    # two names of two words tie, and go by name.
    assert index.predict(query_words("camp"), 5).category_ids == [
        "cat-camping",
        "cat-camp-furniture",
        "cat-kitchen",
    ]
    assert index.predict(query_words("campng"), 5).category_ids == ["cat-camping"]


@pytest.mark.parametrize(
    ("query", "limit", "message"),
    [
        ("", 5, "query must hold at least one word."),
        ("   ", 5, "query must hold at least one word."),
        ("tent", 0, "limit must be between 1 and 10."),
        ("tent", 11, "limit must be between 1 and 10."),
    ],
)
def test_predictive_search_refuses_bad_input(
    index: SearchIndex, query: str, limit: int, message: str
):
    with pytest.raises(BadUserInput, match=message):
        searching.predict(service, query, limit)


def test_search_snapshot_keeps_the_categories_paths(tmp_path: Path):
    saved = SearchIndex(tmp_path)
    saved.apply(_entries())
    saved.save()

    reopened = SearchIndex(tmp_path)

    assert reopened.categories == saved.categories
    assert reopened.categories["cat-hiking-boots"].ancestor_ids == ("cat-outdoor", "cat-footwear")
    assert reopened.by_category == saved.by_category


def test_search_snapshot_from_before_the_tree_follows_later_moves(tmp_path: Path):
    # GIVEN a snapshot as a release before the tree saved it: flat, no ancestor_ids
    flat = [
        replace(change, entry=CategoryEntry(change.id, change.entry.name))
        if isinstance(change.entry, CategoryEntry)
        else change
        for change in _entries()
    ]
    saved = SearchIndex(tmp_path)
    saved.apply(flat)
    saved.save()
    meta = json.loads((tmp_path / META_FILE).read_text())
    for category in meta["categories"]:
        del category["ancestor_ids"]
    (tmp_path / META_FILE).write_text(json.dumps(meta))

    # WHEN it is opened, and a record then moves Tents under Apparel
    reopened = SearchIndex(tmp_path)
    tents = CategoryEntry("cat-tents", "Tents", ("cat-apparel",))
    reopened.apply([Change(CATEGORY, "cat-tents", tents, 2)])

    # THEN Tents' products are found below Apparel
    service.use(FixedIndex(reopened))
    try:
        apparel = ids("", search_filter=SearchFilter(category_id="cat-apparel"))
        assert {"prod-tent-2p", "prod-tent-4p", "prod-tarp"} < set(apparel)
        assert ids("", search_filter=SearchFilter(category_id="cat-outdoor")) == []
    finally:
        service.use(None)
