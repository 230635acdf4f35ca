import zoneinfo

from django import template
from django.urls import reverse, translate_url
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from civic.core.highlight import highlight as highlight_text
from civic.core.icons import icon_svg
from civic.core.l10n import language_of
from civic.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """``{{ obj.text|markdown }}``: sanitised HTML from user Markdown."""
    return render_markdown(text)


@register.simple_tag(takes_context=True)
def url_in_language(context, lang_code: str) -> str:
    """The current page's URL in another language (same path, other prefix, same query)."""
    request = context["request"]
    url = translate_url(request.get_full_path(), lang_code)
    return url


@register.simple_tag
def lang_of(obj, field: str) -> str:
    """``{% lang_of mission "title" %}``: the language the shown value is written in ("" if unknown),
    see ``civic.core.l10n.language_of``."""
    return language_of(obj, field) or ""


@register.simple_tag
def lang_attr(obj, field: str) -> SafeString:
    """``<h1{% lang_attr mission "title" %}>``: ` lang="en"` when the value shown is in another
    language than the page (a fallback, or a proposal written in Spanish), so screen readers
    pronounce it right and browsers hyphenate it right; nothing otherwise."""
    lang = language_of(obj, field)
    if not lang or lang == (get_language() or "").split("-")[0]:
        return SafeString("")
    return format_html(' lang="{}"', lang)


@register.filter
def display_name(user) -> str:
    """A member's public name; "former member" for erased accounts and missing authors."""
    from django.utils.translation import gettext

    if user is None or getattr(user, "is_former", False):
        return gettext("former member")
    return user.public_name


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """``{{ title|highlight:q }}``: escaped text with the searched words in <mark>."""
    return highlight_text(str(text), query)


@register.filter
def distance_km(meters) -> str:
    """Metres to a short kilometre figure in the page's language: 850 → "0.9" ("0,9" in French),
    12345 → "12"."""
    if meters is None:
        return ""
    km = float(meters) / 1000
    return formats.number_format(km, decimal_pos=1 if km < 10 else 0, use_l10n=True)


@register.simple_tag
def local_time(moment, tz_name: str = "", city_name: str = "", date_only: bool = False) -> SafeString:
    """``{% local_time item.when item.tz item.city_name %}``: a ``<time>`` in the item's own time
    zone (its city's), followed by "(Paris time)" so a reader elsewhere knows which clock it is.
    Without a zone, the platform's; with ``date_only``, the day alone (publication dates)."""
    if not moment:
        return SafeString("")
    zone = zoneinfo.ZoneInfo(str(tz_name)) if tz_name else None
    local = timezone.localtime(moment, zone) if zone else timezone.localtime(moment)
    if date_only:
        return format_html(
            '<time datetime="{}">{}</time>',
            local.date().isoformat(),
            formats.date_format(local, "DATE_FORMAT"),
        )
    text = formats.date_format(local, "DATETIME_FORMAT")
    if zone and city_name:
        return format_html(
            '<time datetime="{}">{}</time> <span class="tz">({})</span>',
            local.isoformat(),
            text,
            gettext("%(city)s time") % {"city": city_name},
        )
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), text)


@register.simple_tag
def kind_url(key: str) -> str:
    """The list page of a kind (``{% kind_url "event" as events_url %}``), or "" when no installed
    app serves that kind: how a template links to another app without naming its URLs."""
    from civic.core import discovery

    described = discovery.kind(key)
    return reverse(described.index_url) if described is not None and described.index_url else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def icon(name: str) -> SafeString:
    """``{% icon theme.icon %}``: a vendored SVG icon, hidden from screen readers (see civic/core/icons.py)."""
    return icon_svg(name)
