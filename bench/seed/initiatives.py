"""Bench data and pages for the catalogue (see bench/README.md).

At scale 1: 100,000 initiatives (95 % published) around the bench cities, each written in its city's
language, a third also titled in another language, with one to three themes. PostgreSQL generates the
search vector during COPY and a statement trigger adds the title words to the typo vocabulary, as in
production.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.context import BenchContext, Page

LANGS = ("fr", "en", "es")
THEMES_TABLE = "initiatives_initiative_themes"
TABLE = "initiatives_initiative"
COLUMNS = [
    "id",
    "point",
    "latitude",
    "longitude",
    "status",
    "editor_comment",
    "created_at",
    "updated_at",
    "submitted_at",
    "published_at",
    "title",
    "title_fr",
    "title_en",
    "title_es",
    "summary",
    "summary_fr",
    "summary_en",
    "summary_es",
    "story",
    "story_fr",
    "story_en",
    "story_es",
    "contact_email",
    "website",
    "featured",
    "replication_count",
    "follower_count",
    "city_id",
    "spotter_id",
]


def generate(ctx: BenchContext) -> None:
    total = ctx.count(100_000)
    start = ctx.max_id(TABLE) + 1
    now = datetime.now(UTC)
    theme_links: list[tuple[int, int, int]] = []

    def rows():
        for offset in range(total):
            pk = start + offset
            city = ctx.city()
            lat, lng = ctx.point_near(city)
            lang = city.language if city.language in LANGS else "en"
            texts = {code: (None, None, None) for code in LANGS}
            texts[lang] = (ctx.title(lang)[:150], ctx.paragraph(lang, 2), ctx.paragraph(lang, 5))
            if ctx.rng.random() < 0.33:
                other = ctx.rng.choice([c for c in LANGS if c != lang])
                texts[other] = (ctx.title(other)[:150], ctx.paragraph(other, 2), None)
            published = ctx.rng.random() < 0.95
            created = now - timedelta(days=ctx.rng.uniform(0, 1500))
            for theme_id in ctx.rng.sample(ctx.theme_ids, k=min(len(ctx.theme_ids), ctx.rng.randint(1, 3))):
                theme_links.append((len(theme_links) + 1, pk, theme_id))
            title, summary, story = texts[lang]
            yield (
                pk,
                ctx.point_json(lat, lng),
                lat,
                lng,
                "published" if published else ctx.rng.choice(["draft", "in_review", "sent_back"]),
                "",
                created,
                created,
                created if published else None,
                created + timedelta(days=2) if published else None,
                title,
                texts["fr"][0],
                texts["en"][0],
                texts["es"][0],
                summary,
                texts["fr"][1],
                texts["en"][1],
                texts["es"][1],
                story,
                texts["fr"][2],
                texts["en"][2],
                texts["es"][2],
                "",
                "",
                ctx.rng.random() < 0.001,
                int(ctx.rng.paretovariate(2.0)) - 1,
                ctx.rng.randint(0, 40),
                city.id,
                ctx.member(),
            )

    ctx.copy(TABLE, COLUMNS, rows(), total=total, desc="initiatives")
    ctx.reset_sequence(TABLE)
    first_link = ctx.max_id(THEMES_TABLE)
    ctx.copy(
        THEMES_TABLE,
        ["id", "initiative_id", "theme_id"],
        ((first_link + n, pk, theme) for n, pk, theme in theme_links),
        total=len(theme_links),
        desc="initiative themes",
    )
    ctx.reset_sequence(THEMES_TABLE)


def pages(ctx: BenchContext) -> list[Page]:
    from initiatives.models import Initiative

    city = ctx.cities[0]
    detail = (
        Initiative.objects.published()
        .filter(city_id=city.id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    theme = ctx.theme_ids[0] if ctx.theme_ids else ""
    from civic.core.models import Theme

    theme_slug = Theme.objects.filter(pk=theme).values_list("slug", flat=True).first() or ""
    near = f"lat={city.lat:.4f}&lng={city.lng:.4f}"
    result = [
        Page("initiatives: catalogue, newest", "/fr/initiatives/", 100),
        Page("initiatives: catalogue, newest, page 50", "/fr/initiatives/?page=50", 100),
        Page("initiatives: near me 10 km, page 50", f"/fr/initiatives/?{near}&km=10&page=50", 100),
        Page("initiatives: catalogue, most replicated", "/fr/initiatives/?sort=replicated", 100),
        Page("initiatives: search 'jardin'", "/fr/initiatives/?q=jardin", 100),
        Page("initiatives: search typo 'compst'", "/en/initiatives/?q=compst", 100),
        Page("initiatives: near me 10 km", f"/fr/initiatives/?{near}&km=10", 100),
        Page("initiatives: theme + near me", f"/fr/initiatives/?{near}&km=25&theme={theme_slug}", 100),
        Page("initiatives: map feed", "/fr/initiatives/map.geojson", 100),
        Page("initiatives: map feed, search", "/fr/initiatives/map.geojson?q=compost", 100),
        Page(
            "initiatives: map feed, bbox",
            f"/fr/initiatives/map.geojson?bbox={city.lng - 0.2:.3f},{city.lat - 0.2:.3f},"
            f"{city.lng + 0.2:.3f},{city.lat + 0.2:.3f}",
            100,
        ),
    ]
    if detail:
        result.append(Page("initiatives: detail", f"/fr/initiatives/{detail}/", 100))
    return result


def explain(ctx: BenchContext):
    from initiatives.models import Initiative

    city = ctx.cities[0]
    published = Initiative.objects.published()
    return [
        ("newest", published.order_by("-published_at", "-pk")[:12]),
        ("search", published.search("jardin").order_by("-published_at", "-pk")[:12]),
        (
            "search-best-match",
            published.search("jardin", ranked=True).order_by("-rank", "-published_at", "-pk")[:12],
        ),
        ("typo", published.search("compst").order_by("-published_at", "-pk")[:12]),
        ("near", published.near(city.lat, city.lng, 10).nearest_first(city.lat, city.lng)[:12]),
    ]
