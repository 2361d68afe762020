"""Slug rules: made from a name, explicit ones checked (never rewritten), one of id or slug."""

from __future__ import annotations

import pytest

from errors import BadUserInput
from resolvers import slugs, validation

ULID = "01JEXAMPLE0000000000000000"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Crème", "cafe-creme"),
        ("Trail Runner 2", "trail-runner-2"),
        ("  --Hello,   World!!--  ", "hello-world"),
        ("Ærø Straße", "r-strae"),
        ("\ufb01ne \u2460 \uff26\uff55\uff4c\uff4c", "fine-1-full"),  # ligature, circled, fullwidth
        ("naïve_rosé/10%", "naive-rose-10"),
        ("UPPER lower", "upper-lower"),
    ],
)
def test_from_name_folds_to_ascii_lowercase_hyphen_runs(name: str, slug: str) -> None:
    assert slugs.from_name(name, ULID) == slug


@pytest.mark.parametrize("name", ["日本語の名前", "!!!", "Ωμέγα"])
def test_from_name_without_latin_letters_or_digits_uses_the_id(name: str) -> None:
    assert slugs.from_name(name, ULID) == ULID.lower()


def test_from_name_uses_the_id_with_its_underscores_as_hyphens() -> None:
    assert slugs.from_name("★", "my_id-7") == "my-id-7"


def test_from_name_cuts_at_a_hyphen_to_at_most_100_characters() -> None:
    name = " ".join(["word"] * 30)  # 149 characters as a slug

    made = slugs.from_name(name, ULID)

    assert made == "-".join(["word"] * 20)
    assert len(made) == 99
    assert slugs.is_slug(made)


def test_from_name_keeps_a_run_ending_exactly_at_100_characters() -> None:
    name = "a" * 100 + " tail"

    assert slugs.from_name(name, ULID) == "a" * 100


def test_from_name_cuts_one_long_run_mid_run() -> None:
    assert slugs.from_name("x" * 150, ULID) == "x" * 100


@pytest.mark.parametrize("value", ["a", "trail-runner-2", "0-9", "a" * 100, "a-b-c"])
def test_explicit_slug_is_taken_as_given(value: str) -> None:
    assert slugs.slug(value) == value


@pytest.mark.parametrize(
    "value",
    ["", "Trail", "trail runner", "café", "-trail", "trail-", "trail--runner", "a" * 101, "a_b"],
)
def test_malformed_explicit_slug_is_refused_naming_slug(value: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        slugs.slug(value)

    assert refused.value.message.startswith("slug must be 1-100 characters")


def test_null_slug_is_refused_naming_slug() -> None:
    with pytest.raises(BadUserInput, match=r"^slug cannot be null"):
        slugs.slug(None)


def test_suffixes_start_at_2_and_keep_within_100_characters() -> None:
    assert slugs.with_suffix("tent", 1) == "tent"
    assert slugs.with_suffix("tent", 2) == "tent-2"
    assert slugs.with_suffix("tent", 13) == "tent-13"
    long = "-".join(["word"] * 20)  # 99 characters

    suffixed = slugs.with_suffix(long, 2)

    assert suffixed == "-".join(["word"] * 19) + "-2"
    assert slugs.is_slug(suffixed)


@pytest.mark.parametrize(
    ("arguments", "given"),
    [({"id": None, "slug": None}, 0), ({"id": "p-1", "slug": "tent"}, 2)],
)
def test_exactly_one_of_id_and_slug_is_needed(arguments: dict[str, str | None], given: int) -> None:
    with pytest.raises(BadUserInput) as refused:
        validation.exactly_one(**arguments)

    assert refused.value.message == f"Give exactly one of id and slug (given: {given})."


@pytest.mark.parametrize("arguments", [{"id": "p-1", "slug": None}, {"id": None, "slug": "t"}])
def test_exactly_one_accepts_one_with_the_other_null(arguments: dict[str, str | None]) -> None:
    validation.exactly_one(**arguments)
