"""Input checks: a refusal is BAD_USER_INPUT naming the field; what passes comes back canonical."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from errors import BadUserInput
from resolvers import validation


def refusal(check: Any, value: Any) -> str:
    """The message of the BAD_USER_INPUT `check` raises for `value`."""
    with pytest.raises(BadUserInput) as refused:
        check(value)
    assert refused.value.code == "BAD_USER_INPUT"
    return refused.value.message


@pytest.mark.parametrize("value", ["p-1", "A_b-9", "x" * 64])
def test_item_id_accepts_the_documented_alphabet(value: str) -> None:
    assert validation.item_id(value) == value


@pytest.mark.parametrize("value", ["", "x" * 65, "a b", "a/b", "é", "a\n"])
def test_item_id_refuses_anything_else(value: str) -> None:
    assert refusal(validation.item_id, value).startswith("id must be 1-64 characters")


def test_category_id_names_its_own_field() -> None:
    assert refusal(validation.category_id, "no spaces").startswith("categoryId must be")


def test_category_id_null_clears_it() -> None:
    assert validation.category_id(None) is None


def test_name_is_trimmed() -> None:
    assert validation.name("  Running shoes \t") == "Running shoes"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "name cannot be null."),
        ("   ", "name must be 1-200 characters after trimming."),
        ("x" * 201, "name must be 1-200 characters after trimming."),
        ("Shoes\x00", "name must not contain control characters."),
        ("Sh\x1boes", "name must not contain control characters."),
    ],
)
def test_name_refusals_say_why(value: Any, message: str) -> None:
    assert refusal(validation.name, value) == message


def test_name_of_200_characters_after_trimming_is_accepted() -> None:
    assert validation.name(" " + "x" * 200 + " ") == "x" * 200


def test_description_up_to_its_maximum_or_null_is_accepted() -> None:
    assert validation.description("x" * 5000) == "x" * 5000
    assert validation.description(None) is None


def test_description_over_its_maximum_is_refused() -> None:
    assert refusal(validation.description, "x" * 5001) == (
        "description must be at most 5000 characters."
    )


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("19.99", "19.99"),
        ("89.90", "89.9"),
        ("1E+2", "100"),
        ("0", "0"),
        ("0.0001", "0.0001"),
        ("999999999.9999", "999999999.9999"),
    ],
)
def test_price_is_stored_as_dynamodb_returns_it(value: str, stored: str) -> None:
    assert str(validation.price(Decimal(value))) == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "price cannot be null."),
        (19.99, 'price must be an exact decimal such as "19.99".'),
        (Decimal("NaN"), 'price must be an exact decimal such as "19.99".'),
        (Decimal("Infinity"), 'price must be an exact decimal such as "19.99".'),
        (Decimal("-0.01"), "price must be at least 0 and less than 1000000000."),
        (Decimal("1000000000"), "price must be at least 0 and less than 1000000000."),
        (Decimal("0.00001"), "price must have at most 4 decimal places."),
    ],
)
def test_price_refusals_say_why(value: Any, message: str) -> None:
    assert refusal(validation.price, value) == message


def test_currency_accepts_an_iso_4217_code() -> None:
    assert validation.currency("EUR") == "EUR"


@pytest.mark.parametrize("value", ["eur", "EU", "EURO", "€"])
def test_currency_refuses_anything_but_three_capitals(value: str) -> None:
    assert refusal(validation.currency, value) == (
        "currency must be an ISO 4217 code of three upper-case letters."
    )


def test_currency_cannot_be_null() -> None:
    assert refusal(validation.currency, None) == "currency cannot be null."


def test_stock_of_zero_or_more_is_accepted() -> None:
    assert validation.stock(0) == 0
    assert validation.stock(12) == 12


@pytest.mark.parametrize(
    ("value", "message"), [(-1, "stock must be 0 or more."), (None, "stock cannot be null.")]
)
def test_stock_refusals_say_why(value: Any, message: str) -> None:
    assert refusal(validation.stock, value) == message


@pytest.mark.parametrize(
    "value", ["https://img.example.com/a.png", "http://localhost:8000/x?y=1", None]
)
def test_image_url_accepts_absolute_http_urls_or_null(value: str | None) -> None:
    assert validation.image_url(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("/relative.png", "imageUrl must be an absolute http or https URL."),
        ("javascript:alert(1)", "imageUrl must be an absolute http or https URL."),
        ("ftp://example.com/a.png", "imageUrl must be an absolute http or https URL."),
        ("https://", "imageUrl must be an absolute http or https URL."),
        ("http://[::1", "imageUrl must be an absolute http or https URL."),
        ("https://example.com/a b.png", "imageUrl must not contain spaces or control characters."),
        (
            "https://example.com/a\x07.png",
            "imageUrl must not contain spaces or control characters.",
        ),
        ("https://example.com/" + "x" * 2048, "imageUrl must be at most 2048 characters."),
    ],
)
def test_image_url_refusals_say_why(value: str, message: str) -> None:
    assert refusal(validation.image_url, value) == message


@pytest.mark.parametrize("first", [1, 20, 100])
def test_page_size_within_bounds_is_accepted(first: int) -> None:
    assert validation.page_size(first) == first


@pytest.mark.parametrize("first", [0, -1, 101])
def test_page_size_out_of_bounds_is_refused(first: int) -> None:
    assert refusal(validation.page_size, first) == "first must be between 1 and 100."


def test_fields_checks_only_the_fields_present() -> None:
    checked = validation.fields(
        {"name": "  Shoes ", "price": Decimal("89.90")}, validation.PRODUCT_FIELDS
    )

    assert checked == {"name": "Shoes", "price": Decimal("89.9")}


def test_fields_refuses_on_the_first_invalid_field() -> None:
    changes = {"name": "Shoes", "stock": -3}

    assert refusal(lambda c: validation.fields(c, validation.PRODUCT_FIELDS), changes) == (
        "stock must be 0 or more."
    )
