from django.conf import settings


def site(request):
    """Values every layout needs; no queries."""
    return {
        "SITE_URL": settings.SITE_URL,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "FACEBOOK_ENABLED": bool(settings.FACEBOOK_CLIENT_ID and settings.FACEBOOK_SECRET),
    }
