import pytest
from django.core.exceptions import ValidationError

from crowdfunding.services import format_money, parse_amount


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("25", 2500), ("12.50", 1250), ("12,5", 1250), ("1 000", 100000), ("0.01", 1), ("1000000", 100_000_000)],
)
def test_typed_amounts_become_integer_cents(typed, cents):
    assert parse_amount(typed) == cents
    assert isinstance(parse_amount(typed), int)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an amount"),
        ("abc", "Enter an amount"),
        ("NaN", "Enter an amount"),
        ("Infinity", "Enter an amount"),
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("1.005", "two decimals"),
        ("1000000.01", "1,000,000"),
        ("1e9", "1,000,000"),
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message(typed, message):
    with pytest.raises(ValidationError) as exc:
        parse_amount(typed)
    assert message in exc.value.messages[0]


def test_money_is_formatted_from_cents_without_floats_in_the_reader_language():
    from django.utils import translation

    with translation.override("en"):
        assert format_money(123456) == "1,234.56\u00a0€"
        assert format_money(5000) == "50\u00a0€"
    with translation.override("fr"):
        assert format_money(123456) == "1\u00a0234,56\u00a0€"
