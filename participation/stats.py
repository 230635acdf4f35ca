"""Read-only aggregates for the space page ("topics that matter most") and the officials'
dashboard. Each function costs a fixed number of queries whatever the number of rows, and the
heavier ones are cached in Redis for a short while (``STATS_TTL``)."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Aggregate, Count, DurationField, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from participation.models import CityParticipant, Proposal, Support, SupportDay

STATS_TTL = 60
TOPICS_DAYS = 30


class Median(Aggregate):
    function = "percentile_cont"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, STATS_TTL)
    return value


def topics_that_matter(city, *, themes, neighbourhoods, limit: int = 5) -> dict:
    """Themes and neighbourhoods ranked by supports, then proposals, over the last 30 days.

    Two grouped queries (or none when cached); ``themes`` and ``neighbourhoods`` are the lists the
    page already loaded, used for names. Hidden proposals do not count.
    """

    def compute():
        since = timezone.now() - datetime.timedelta(days=TOPICS_DAYS)
        supports = (
            Support.objects.filter(proposal__city=city, proposal__is_hidden=False, created_at__gte=since)
            .values_list("proposal__theme_id", "proposal__neighbourhood_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        proposals = (
            Proposal.objects.visible()
            .filter(city=city, created_at__gte=since)
            .values_list("theme_id", "neighbourhood_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {"supports": list(supports), "proposals": list(proposals)}

    raw = _cached(f"participation:topics:{city.pk}", compute)
    by_theme: dict[int, list[int]] = {}
    by_hood: dict[int, list[int]] = {}
    for index, key in ((0, "supports"), (1, "proposals")):
        for theme_id, hood_id, n in raw[key]:
            by_theme.setdefault(theme_id, [0, 0])[index] += n
            if hood_id:
                by_hood.setdefault(hood_id, [0, 0])[index] += n
    theme_names = {t.pk: t for t in themes}
    hood_names = {h.pk: h for h in neighbourhoods}

    def ranked(counts, names):
        rows = [
            {"item": names[pk], "supports": s, "proposals": p} for pk, (s, p) in counts.items() if pk in names
        ]
        rows.sort(key=lambda r: (-r["supports"], -r["proposals"], str(r["item"])))
        return rows[:limit]

    return {"themes": ranked(by_theme, theme_names), "neighbourhoods": ranked(by_hood, hood_names)}


def key_figures(city) -> dict:
    """Proposals, supports, participants, answered share, median days to answer (2 queries)."""

    def compute():
        figures = Proposal.objects.filter(city=city).aggregate(
            proposals=Count("id"),
            supports=Sum("supports_count"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            median=Median(F("answered_at") - F("created_at"), filter=Q(answered_at__isnull=False)),
        )
        participants = CityParticipant.objects.filter(city=city).count()
        median = figures["median"]
        return {
            "proposals": figures["proposals"],
            "supports": figures["supports"] or 0,
            "participants": participants,
            "answered": figures["answered"],
            "answered_percent": round(100 * figures["answered"] / figures["proposals"])
            if figures["proposals"]
            else 0,
            "median_days": round(median.total_seconds() / 86400, 1) if median is not None else None,
        }

    return _cached(f"participation:figures:{city.pk}", compute)


def _with_bars(rows: list[dict], key: str, out: str = "percent") -> list[dict]:
    """Add each row's bar length, in percent of the largest value of ``key``."""
    top = max((r[key] for r in rows), default=0) or 1
    for r in rows:
        r[out] = round(100 * r[key] / top)
    return rows


def _monthly(queryset, field: str, total) -> dict:
    """{first day of month: total} of ``queryset`` grouped by the month of ``field``."""
    return dict(
        queryset.annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=total)
        .values_list("month", "n")
    )


def _per(city, key: str, **filters) -> list[dict]:
    """Proposals and supports of the city's proposals grouped by ``key``, most proposals first."""
    return list(
        Proposal.objects.filter(city=city, **filters)
        .values(key)
        .annotate(proposals=Count("id"), supports=Sum("supports_count"))
        .order_by("-proposals")
    )


def _compute_charts(city) -> dict:
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    proposals = _monthly(
        Proposal.objects.filter(city=city, created_at__date__gte=start), "created_at", Count("id")
    )
    supports = _monthly(SupportDay.objects.filter(city=city, day__gte=start), "day", Sum("count"))
    months = []
    cursor = start
    while cursor <= today:
        months.append(cursor)
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)

    def month_count(data, month):
        return sum(n for m, n in data.items() if (m.date() if hasattr(m, "date") else m) == month)

    return {
        "months": [
            {"month": m, "proposals": month_count(proposals, m), "supports": month_count(supports, m)}
            for m in months
        ],
        "by_theme": _per(city, "theme_id"),
        "by_hood": _per(city, "neighbourhood_id", neighbourhood__isnull=False),
    }


def _labelled(rows: list[dict], key: str, names: dict) -> list[dict]:
    return [
        {"label": names.get(r[key], "—"), "proposals": r["proposals"], "supports": r["supports"] or 0}
        for r in rows
    ]


def charts(city, *, themes, neighbourhoods) -> dict:
    """Activity by month (12 months), by theme and by neighbourhood (4 queries or none cached)."""
    data = _cached(f"participation:charts:{city.pk}", lambda: _compute_charts(city))
    by_theme = _labelled(data["by_theme"], "theme_id", {t.pk: t for t in themes})
    by_hood = _labelled(data["by_hood"], "neighbourhood_id", {h.pk: h for h in neighbourhoods})
    return {
        "months": _with_bars(
            _with_bars([dict(r) for r in data["months"]], "proposals"), "supports", "percent_s"
        ),
        "by_theme": _with_bars(by_theme, "proposals"),
        "by_hood": _with_bars(by_hood, "proposals"),
    }
