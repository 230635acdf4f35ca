from django import template

from crowdfunding.services import format_money

register = template.Library()


@register.filter
def money(cents, currency: str = "EUR") -> str:
    """``{{ campaign.goal_cents|money }}`` → "1 500 €" in the reader's language (no floats)."""
    if cents in (None, ""):
        return ""
    return format_money(int(cents), currency or "EUR")
