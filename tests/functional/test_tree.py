"""The category tree through the handler: parents, breadcrumbs, levels, moves, deletes,
their call counts, and concurrent moves on DynamoDB Local."""

from __future__ import annotations

from typing import Any

import pytest

from cli.dynamodb_local import LocalDynamoDB
from store.recording import CallLog
from tests.catalog import (
    DELETE_CATEGORY,
    RESTORE_CATEGORY,
    create_category,
    create_product,
    upsert_category,
)
from tests.client import ApiClient
from tests.workers import codes, run_concurrently

TREE = """
query Tree($id: ID!) {
  category(id: $id) {
    id level parentId parent { id }
    ancestors { id name slug level }
  }
}
"""
CHILDREN = """
query Children($id: ID!, $first: Int!, $after: String) {
  category(id: $id) {
    children(first: $first, after: $after) {
      edges { node { id } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""
LIST = """
query List($parentId: ID, $level: Int, $all: Boolean! = false) {
  categories(first: 50, parentId: $parentId, level: $level, includeDeleted: $all) {
    edges { node { id } }
  }
}
"""
MOVE = """
mutation Move($input: UpsertCategoryInput!) { upsertCategory(input: $input) { id level parentId } }
"""


def tree(api: ApiClient, category_id: str) -> Any:
    return api.ok(TREE, {"id": category_id})["category"]


def listed(api: ApiClient, **arguments: Any) -> list[str]:
    data = api.ok(LIST, arguments)["categories"]
    return [edge["node"]["id"] for edge in data["edges"]]


def refusal(response: Any) -> tuple[str, str | None]:
    """The only error's code, and the argument or input field its message names."""
    [error] = response.errors
    named = [name for name in ("parentId", "level") if name in error["message"]]
    return error["extensions"]["code"], named[0] if named else None


def chain(api: ApiClient, *names: str) -> list[str]:
    """Categories each under the one before; their ids."""
    ids: list[str] = []
    for name in names:
        parent = {"parentId": ids[-1]} if ids else {}
        ids.append(create_category(api, name, id=name.lower(), **parent)["id"])
    return ids


def test_a_new_category_is_a_root(api: ApiClient) -> None:
    root = create_category(api, "Outdoor")

    assert (root["level"], root["parentId"]) == (0, None)
    assert tree(api, root["id"])["ancestors"] == []
    assert tree(api, root["id"])["parent"] is None


def test_children_take_their_place_below_their_parent(api: ApiClient) -> None:
    outdoor, footwear, boots = chain(api, "Outdoor", "Footwear", "Boots")

    shown = tree(api, boots)

    assert (shown["level"], shown["parentId"], shown["parent"]) == (2, footwear, {"id": footwear})
    assert [(a["id"], a["level"]) for a in shown["ancestors"]] == [(outdoor, 0), (footwear, 1)]
    assert shown["ancestors"][0]["slug"] == "outdoor"


def test_lists_by_parent_and_level_are_by_name(api: ApiClient) -> None:
    outdoor = create_category(api, "Outdoor", id="outdoor")["id"]
    for name in ("tents", "Boots", "axes"):
        create_category(api, name, id=name.lower(), parentId=outdoor)
    create_category(api, "Home", id="home")

    assert listed(api, parentId=outdoor) == ["axes", "boots", "tents"]
    assert listed(api, level=0) == ["home", "outdoor"]
    assert listed(api, level=1) == ["axes", "boots", "tents"]
    assert listed(api, level=5) == []


def test_children_page_through_in_full_pages(api: ApiClient) -> None:
    parent = create_category(api, "Outdoor", id="outdoor")["id"]
    for i in range(5):
        create_category(api, f"C{i}", id=f"c{i}", parentId=parent)
    seen: list[str] = []
    after = None
    while True:
        page = api.ok(CHILDREN, {"id": parent, "first": 2, "after": after})["category"]["children"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(page["edges"]) == 2
        after = page["pageInfo"]["endCursor"]

    assert seen == [f"c{i}" for i in range(5)]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"parentId": "nobody"}, "parentId"),
        ({"parentId": "outdoor", "level": 1}, "parentId"),
        ({"level": 6}, "level"),
        ({"level": -1}, "level"),
    ],
)
def test_list_arguments_that_cannot_hold_are_refused(
    api: ApiClient, arguments: dict[str, Any], field: str
) -> None:
    create_category(api, "Outdoor", id="outdoor")

    assert refusal(api.admin(LIST, arguments)) == ("BAD_USER_INPUT", field)


def test_a_null_argument_counts_as_absent(api: ApiClient) -> None:
    create_category(api, "Outdoor", id="outdoor")

    assert listed(api, parentId=None, level=None) == ["outdoor"]


def test_a_parent_must_be_a_live_category(api: ApiClient) -> None:
    gone = create_category(api, "Gone", id="gone")["id"]
    api.ok(DELETE_CATEGORY, {"id": gone})

    for parent in ("nobody", gone):
        response = upsert_category(api, name="Child", parentId=parent)
        assert refusal(response) == ("BAD_USER_INPUT", "parentId")
    assert listed(api, level=1) == []


def test_no_category_goes_below_level_5(api: ApiClient) -> None:
    ids = chain(api, "L0", "L1", "L2", "L3", "L4", "L5")

    response = upsert_category(api, name="L6", parentId=ids[-1])

    assert refusal(response) == ("BAD_USER_INPUT", "parentId")
    assert "level 5" in response.errors[0]["message"]


def test_a_move_carries_the_whole_subtree(api: ApiClient) -> None:
    # GIVEN Outdoor > Footwear > Boots > Winter, and Sale
    outdoor, footwear, boots, winter = chain(api, "Outdoor", "Footwear", "Boots", "Winter")
    sale = create_category(api, "Sale", id="sale")["id"]

    # WHEN Footwear moves under Sale
    moved = api.ok(MOVE, {"input": {"id": footwear, "parentId": sale}})["upsertCategory"]

    # THEN the next request sees every level and breadcrumb below it anew
    assert (moved["level"], moved["parentId"]) == (1, sale)
    assert [a["id"] for a in tree(api, winter)["ancestors"]] == [sale, footwear, boots]
    assert tree(api, winter)["level"] == 3
    assert listed(api, parentId=outdoor) == []
    assert listed(api, parentId=sale) == [footwear]
    assert set(listed(api, level=3)) == {winter}


def test_a_move_to_the_roots_with_parent_id_null(api: ApiClient) -> None:
    outdoor, footwear, boots = chain(api, "Outdoor", "Footwear", "Boots")

    api.ok(MOVE, {"input": {"id": footwear, "parentId": None}})

    assert tree(api, boots)["level"] == 1
    assert [a["id"] for a in tree(api, boots)["ancestors"]] == [footwear]
    assert listed(api, level=0) == [footwear, outdoor]


def test_a_rename_keeps_the_place(api: ApiClient) -> None:
    _, footwear = chain(api, "Outdoor", "Footwear")

    api.ok(MOVE, {"input": {"id": footwear, "name": "Shoes"}})

    assert tree(api, footwear)["level"] == 1


@pytest.mark.parametrize("target", [0, 1, 2])
def test_a_move_under_itself_or_below_is_refused(api: ApiClient, target: int) -> None:
    ids = chain(api, "A", "B", "C")

    response = api.admin(MOVE, {"input": {"id": ids[0], "parentId": ids[target]}})

    assert refusal(response) == ("BAD_USER_INPUT", "parentId")
    assert tree(api, ids[2])["level"] == 2


def test_a_move_that_would_put_a_descendant_below_level_5_is_refused(api: ApiClient) -> None:
    deep = chain(api, "L0", "L1", "L2", "L3")
    other = chain(api, "M0", "M1", "M2")

    response = api.admin(MOVE, {"input": {"id": other[0], "parentId": deep[-1]}})

    assert refusal(response) == ("BAD_USER_INPUT", "parentId")
    assert tree(api, other[2])["level"] == 2


def test_a_subtree_of_98_moves_and_one_of_99_between_parents_is_refused(
    local_backend: LocalDynamoDB,
) -> None:
    # On DynamoDB Local only: moto takes seconds for a transaction of 100 updates.
    # GIVEN a category with 97 children (98 categories), and one with 98 (99)
    api = ApiClient("http-v2")
    big = create_category(api, "Big", id="big")["id"]
    bigger = create_category(api, "Bigger", id="bigger")["id"]
    for i in range(98):
        create_category(api, f"B{i:02}", id=f"b{i:02}", parentId=bigger)
        if i < 97:
            create_category(api, f"A{i:02}", id=f"a{i:02}", parentId=big)
    home = create_category(api, "Home", id="home")["id"]
    old = create_category(api, "Old", id="old")["id"]
    api.ok(MOVE, {"input": {"id": big, "parentId": old}})
    api.ok(MOVE, {"input": {"id": bigger, "parentId": old}})

    # WHEN each moves from Old to Home
    api.ok(MOVE, {"input": {"id": big, "parentId": home}})
    response = api.admin(MOVE, {"input": {"id": bigger, "parentId": home}})

    # THEN the first moved whole; the second is refused, saying why, and nothing moved
    assert tree(api, "a96")["ancestors"][0]["id"] == home
    assert refusal(response) == ("BAD_USER_INPUT", "parentId")
    assert "100 items" in response.errors[0]["message"]
    assert tree(api, "b97")["ancestors"][0]["id"] == old


@pytest.mark.parametrize("hard", [False, True])
def test_a_category_with_live_children_cannot_be_deleted(api: ApiClient, hard: bool) -> None:
    outdoor = create_category(api, "Outdoor", id="outdoor")["id"]
    for name in ("Boots", "Tents"):
        create_category(api, name, parentId=outdoor)

    response = api.admin(DELETE_CATEGORY, {"id": outdoor, "hard": hard})

    assert refusal(response)[0] == "CONFLICT"
    assert "2 live child categories" in response.errors[0]["message"]
    assert listed(api, level=0) == [outdoor]


def test_deleting_the_children_frees_the_parent(api: ApiClient) -> None:
    outdoor, boots = chain(api, "Outdoor", "Boots")

    api.ok(DELETE_CATEGORY, {"id": boots})
    api.ok(DELETE_CATEGORY, {"id": outdoor, "hard": True})

    assert listed(api, level=0) == []


def test_a_category_whose_parent_is_deleted_cannot_be_restored(api: ApiClient) -> None:
    outdoor, boots = chain(api, "Outdoor", "Boots")
    api.ok(DELETE_CATEGORY, {"id": boots})
    api.ok(DELETE_CATEGORY, {"id": outdoor})

    response = api.admin(RESTORE_CATEGORY, {"id": boots})

    assert refusal(response)[0] == "CONFLICT"
    api.ok(RESTORE_CATEGORY, {"id": outdoor})
    api.ok(RESTORE_CATEGORY, {"id": boots})
    assert listed(api, parentId=outdoor) == [boots]


def test_a_restored_category_takes_its_parents_new_place(api: ApiClient) -> None:
    _, footwear, boots = chain(api, "Outdoor", "Footwear", "Boots")
    api.ok(DELETE_CATEGORY, {"id": boots})
    api.ok(MOVE, {"input": {"id": footwear, "parentId": None}})

    api.ok(RESTORE_CATEGORY, {"id": boots})

    assert tree(api, boots)["level"] == 1
    assert [a["id"] for a in tree(api, boots)["ancestors"]] == [footwear]
    assert listed(api, parentId=footwear) == [boots]


def test_deleted_children_are_listed_for_admins_only_when_asked(api: ApiClient) -> None:
    outdoor, boots = chain(api, "Outdoor", "Boots")
    api.ok(DELETE_CATEGORY, {"id": boots})

    assert listed(api, parentId=outdoor) == []
    assert listed(api, parentId=outdoor, all=True) == [boots]


def test_breadcrumbs_by_id_are_two_calls(api: ApiClient, dynamodb_calls: CallLog) -> None:
    boots = chain(api, "Outdoor", "Footwear", "Boots")[-1]
    dynamodb_calls.reset()

    api.public(
        "query($id: ID!) { category(id: $id) { ancestors { id name slug } } }", {"id": boots}
    )

    assert dynamodb_calls.calls == ["GetItem", "BatchGetItem"]


@pytest.mark.parametrize(("slug", "calls"), [("hiking-boots", 2), ("boots", 3)])
def test_breadcrumbs_by_slug_are_two_calls_three_by_an_old_slug(
    api: ApiClient, dynamodb_calls: CallLog, slug: str, calls: int
) -> None:
    boots = chain(api, "Outdoor", "Footwear", "Boots")[-1]
    api.ok(MOVE, {"input": {"id": boots, "slug": "hiking-boots"}})
    dynamodb_calls.reset()

    data = api.public(
        "query($slug: String!) { category(slug: $slug) { id slug ancestors { id name slug } } }",
        {"slug": slug},
    ).data

    assert data["category"]["id"] == boots
    assert data["category"]["slug"] == "hiking-boots"
    assert [a["slug"] for a in data["category"]["ancestors"]] == ["outdoor", "footwear"]
    assert len(dynamodb_calls.calls) == calls


def test_a_product_page_with_breadcrumbs_is_three_calls(
    api: ApiClient, dynamodb_calls: CallLog
) -> None:
    boots = chain(api, "Outdoor", "Footwear", "Boots")[-1]
    product = create_product(api, categoryId=boots)
    dynamodb_calls.reset()

    data = api.public(
        "query($id: ID!) { product(id: $id) { category { name ancestors { name slug } } } }",
        {"id": product["id"]},
    ).data

    assert [a["name"] for a in data["product"]["category"]["ancestors"]] == ["Outdoor", "Footwear"]
    assert dynamodb_calls.calls == ["GetItem", "BatchGetItem", "BatchGetItem"]


def test_lists_and_children_are_one_query_a_page(api: ApiClient, dynamodb_calls: CallLog) -> None:
    outdoor = create_category(api, "Outdoor", id="outdoor")["id"]
    for i in range(3):
        create_category(api, f"C{i}", parentId=outdoor)
    dynamodb_calls.reset()

    listed(api, parentId=outdoor)
    listed(api, level=1)
    api.ok(CHILDREN, {"id": outdoor, "first": 2})

    assert dynamodb_calls.calls == ["Query", "Query", "GetItem", "Query"]


def test_a_menu_of_roots_with_children_passes_the_storage_limit(api: ApiClient) -> None:
    for i in range(20):
        root = create_category(api, f"R{i:02}", id=f"r{i:02}")["id"]
        create_category(api, f"Child {i}", parentId=root)

    response = api.public(
        "{ categories(level: 0, first: 20) { edges { node { name "
        "children(first: 10) { edges { node { name slug } } } } } } }"
    )

    assert not response.errors
    assert all(
        len(e["node"]["children"]["edges"]) == 1 for e in response.data["categories"]["edges"]
    )


def test_crossed_moves_never_make_a_cycle(local_backend: LocalDynamoDB) -> None:
    # GIVEN roots A and B, each with a child; four processes move A under B and B under
    # A (and their children about), all at once, many times
    api = ApiClient("http-v2")
    for name in ("a", "b"):
        create_category(api, name.upper(), id=name)
        create_category(api, f"{name.upper()} child", id=f"{name}1", parentId=name)
    moves = [
        [
            (MOVE, {"input": {"id": x, "parentId": y}}),
            (MOVE, {"input": {"id": x, "parentId": None}}),
        ]
        for x, y in (("a", "b1"), ("b", "a1"), ("a", "b"), ("b", "a"))
    ]
    batches = [pair * 4 for pair in moves]

    # WHEN they run at once
    results = run_concurrently(local_backend.endpoint_url, batches)

    # THEN each either moved or was refused with a code, and the tree has no cycle: every
    # category's path starts at a root, never holds itself, and matches its level
    assert {c for batch in results for body in batch for c in codes(body)} <= {
        "BAD_USER_INPUT",
        "CONFLICT",
    }
    assert any(not codes(body) for batch in results for body in batch)
    for category_id in ("a", "a1", "b", "b1"):
        shown = tree(api, category_id)
        path = [a["id"] for a in shown["ancestors"]]
        assert category_id not in path
        assert shown["level"] == len(path) <= 5
        assert path == [] or tree(api, path[0])["level"] == 0
        if path:
            assert shown["parentId"] == path[-1]
            assert category_id in listed(api, parentId=path[-1])
