from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject


def site(request):
    """Values every layout needs; no queries."""
    return {
        "SITE_URL": settings.SITE_URL,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "FACEBOOK_ENABLED": bool(settings.FACEBOOK_CLIENT_ID and settings.FACEBOOK_SECRET),
    }


def language_urls(request):
    """``LANGUAGE_URLS``: this page in each language, [(code, local name, url)], computed once per page."""

    def build():
        from django.utils.translation import get_language_info

        path = request.get_full_path()
        return [
            (code, get_language_info(code)["name_local"], translate_url(path, code))
            for code, _ in settings.LANGUAGES
        ]

    def build_alternates():
        # Search engines want absolute hreflang URLs (Lighthouse SEO counts relative ones as
        # invalid), and an ``x-default`` for readers of none of our languages: the default language.
        try:
            alternates = [(code, request.build_absolute_uri(url)) for code, _name, url in urls]
        except DisallowedHost:
            return []  # the 400 page of a forged Host header: no alternates to offer
        default = dict(alternates)[settings.LANGUAGE_CODE]
        return [*alternates, ("x-default", default)]

    urls = SimpleLazyObject(build)
    return {"LANGUAGE_URLS": urls, "ALTERNATE_URLS": SimpleLazyObject(build_alternates)}


def kinds(request):
    """``MENU_KINDS``: the main menu's entries, one per registered kind that has a list page
    ([{key, label, intro, url, section}], ``section`` being the URL namespace that marks it current).
    Built from the discovery providers, so an app that is not installed has no entry; no queries."""

    def build():
        from django.urls import reverse

        from civic.core import discovery

        return [
            {
                "key": k.key,
                "label": k.menu_label,
                "intro": k.intro,
                "url": reverse(k.index_url),
                "section": k.index_url.split(":")[0],
            }
            for k in discovery.menu_kinds()
        ]

    return {"MENU_KINDS": SimpleLazyObject(build)}
