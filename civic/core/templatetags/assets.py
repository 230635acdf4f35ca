"""``{% app_css "css/participation.css" %}``: a stylesheet written into the page.

On a phone on a slow network every render-blocking stylesheet costs a round trip before the first
paint (Lighthouse measured 150–330 ms for each 2–6 kB gzipped sheet), while its bytes inside the
gzipped page cost ~25 ms: civic.css and each app's sheet are written into the pages that use them.
The CSP allows exactly these texts by their SHA-256 (settings.INLINE_CSS → style-src), so no other
inline style can run. With DEBUG on (``make run`` while editing the sheets, whose hashes are read at
start) it stays a link.
"""

from functools import cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@cache
def _text(path: str) -> str:
    return (settings.BASE_DIR / "static" / path).read_text()


@register.simple_tag
def app_css(path: str) -> SafeString:
    if settings.DEBUG or path not in settings.INLINE_CSS:
        return format_html('<link rel="stylesheet" href="{}">', static(path))
    return mark_safe(f"<style>{_text(path)}</style>")  # our own file, hashed in the CSP
