from django import template
from django.urls import translate_url
from django.utils.safestring import SafeString

from civic.core.highlight import highlight as highlight_text
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
    """Metres to a short kilometre figure: 850 → "0.9", 12345 → "12"."""
    if meters is None:
        return ""
    km = float(meters) / 1000
    return f"{km:.1f}" if km < 10 else f"{km:.0f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
