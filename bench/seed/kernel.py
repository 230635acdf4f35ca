"""Pages of the kernel (civic.core): home, search everything, member profile, the open-data feeds.

No ``generate``: ``bench_seed`` writes the kernel's rows (cities, organisations, members) itself.
"""

from __future__ import annotations

from urllib.parse import quote

from bench.context import BenchContext, Page

# The three-word search of the issue: common words, so each matches many rows of every kind.
THREE_WORDS = "jardin partagé quartier"


def big_city_box(ctx: BenchContext) -> str:
    """The bounding box of the biggest city and its suburbs (±0.2° of latitude, ±0.3° of longitude:
    about 45 × 45 km around Paris), ``west,south,east,north`` as the open-data feeds take it."""
    city = ctx.cities[0]
    return f"{city.lng - 0.3:.4f},{city.lat - 0.2:.4f},{city.lng + 0.3:.4f},{city.lat + 0.2:.4f}"


def pages(ctx: BenchContext) -> list[Page]:
    city = ctx.cities[0]
    near = f"lat={city.lat:.4f}&lng={city.lng:.4f}&km=10"
    theme = ctx.theme_ids[0] if ctx.theme_ids else ""
    box = big_city_box(ctx)
    return [
        Page("home", "/fr/", 150),
        Page("home near a point (10 km)", f"/fr/?{near}", 150),
        Page(
            "home near a point, missions + events, theme, weekends",
            f"/fr/?{near}&kinds=mission&kinds=event&themes={theme}&when=weekends",
            150,
        ),
        Page("member profile", f"/fr/me/members/{ctx.member_ids[0]}/", 100),
        Page("search everything 'jardin'", "/fr/search/?q=jardin", 150),
        Page("search everything, typo 'compst'", "/fr/search/?q=compst", 150),
        Page(f"search everything, three words '{THREE_WORDS}'", f"/fr/search/?q={quote(THREE_WORDS)}", 150),
        *(
            Page(
                f"open data: {kind} of the biggest city's box",
                f"/fr/data/{kind}.geojson?bbox={box}",
                0,
                kind="feed",
            )
            for kind in ("missions", "events", "initiatives")
        ),
    ]
