"""Amounts typed by people, parsed and checked (integer cents)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crowdfunding.models import (
    MAX_AMOUNT_CENTS,
)

# --- Money ---------------------------------------------------------------------------------


def parse_amount(text) -> int:
    """Cents from what a person typed ("12", "12.50", "12,50", "1 000"); never a float.

    Raises ``ValidationError`` with a clear message for non-numeric, zero, negative, more than two
    decimals, or more than one million euros.
    """
    raw = str(text if text is not None else "").strip().replace("\u00a0", "").replace(" ", "")
    raw = raw.replace("€", "").replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("Enter an amount in euros, for example 25 or 12.50."), code="not_a_number"
        ) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount in euros, for example 25 or 12.50."), code="not_a_number")
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="not_positive")
    # Compare before any arithmetic: "1e9999999" overflows the multiplication, and "1e99999"
    # would build a 100,000-digit integer (a second of CPU per request).
    if amount > Decimal(MAX_AMOUNT_CENTS) / 100:
        raise ValidationError(_("The amount cannot be more than 1,000,000 €."), code="too_large")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValidationError(_("Use at most two decimals (cents)."), code="too_many_decimals")
    cents = int(cents)
    check_amount_cents(cents)
    return cents


def check_amount_cents(cents) -> None:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise ValidationError(_("The amount must be a whole number of cents."), code="not_integer")
    if cents <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="not_positive")
    if cents > MAX_AMOUNT_CENTS:
        raise ValidationError(_("The amount cannot be more than 1,000,000 €."), code="too_large")
