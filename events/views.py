"""Thin views: parse input, call a QuerySet or a service, render."""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_countries.fields import Country

from civic.core.csv import csv_response
from civic.core.forms import add_service_errors, flash_errors, form_page, validate_plausible_date
from civic.core.ics import ics_response
from civic.core.models import Theme
from civic.core.pagecache import anonymous_page
from civic.core.paginator import CappedPaginator, query_without_page
from civic.core.permissions import NotAllowed
from civic.places.geojson import feature_collection, geojson_response
from civic.places.models import City
from events import rules, services
from events.forms import (
    BoardEntryForm,
    BoardReplyForm,
    EditionForm,
    EventFilterForm,
    EventForm,
    MessageForm,
    ReportForm,
    RSVPForm,
)
from events.ics import calendar_for
from events.models import (
    ATTENDEES_CSV_HEADER,
    RSVP,
    BoardReply,
    CityEdition,
    CommunityBoardEntry,
    Event,
    EventReport,
    FeedToken,
    MobilisationDay,
    ReportPhoto,
    ScheduledStep,
)

PAGE_SIZE = 20
MAP_LIMIT = 1000
COUNT_CAP = 500  # the list counts this many at most ("more than 500 events")
# A day's page lists every edition up to this many; above, a table of countries opens each list.
DAY_LIST_ALL = 60
DAY_LIST_PAGE = 100
DAY_LIST_CAP = 5000  # editions of one country on one day: 50 pages
BOARD_COUNT_CAP = 500
# Events listed in a day of the month grid; a busier day links to the list of that day.
CALENDAR_PER_DAY = 4
FEED_LIMIT = 500


# --- Lists: list, calendar, map ------------------------------------------------------------------


def _filtered(request: HttpRequest, *, upcoming: bool = True) -> tuple[EventFilterForm, object, bool]:
    """The filter form, the published events it lists and whether they are nearest first."""
    form = EventFilterForm(request.GET or None, user=request.user)
    qs = form.filter(Event.objects.published(), upcoming=upcoming)
    return form, qs, form.nearest_first


@anonymous_page("event")
def event_list(request: HttpRequest) -> HttpResponse:
    form, qs, near = _filtered(request)
    qs = qs.for_list(nearest_first=near)
    page = CappedPaginator(qs, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    days = MobilisationDay.objects.published().filter(date__gte=timezone.localdate()).order_by("date")[:2]
    return render(
        request,
        "events/event_list.html",
        {
            "form": form,
            "page": page,
            "events": page.object_list,
            "query": query_without_page(request),
            "days": days,
        },
    )


@anonymous_page("event")
def event_calendar(request: HttpRequest) -> HttpResponse:
    """A month grid (weeks from Monday); each event is placed on its local date in its city."""
    try:
        first = datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
        validate_plausible_date(first)  # the grid reaches a month either side: 9999-12 overflows
    except (ValueError, ValidationError):
        first = timezone.localdate().replace(day=1)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks[0][0], weeks[-1][-1]
    window = (
        datetime.combine(grid_start - timedelta(days=1), time.min, tzinfo=UTC),
        datetime.combine(grid_end + timedelta(days=2), time.min, tzinfo=UTC),
    )
    form, qs, _near = _filtered(request, upcoming=False)
    shown = qs.between(*window).first_per_local_day(CALENDAR_PER_DAY)
    day_of = {pk: local_day for pk, local_day, _total in shown}
    by_day, more = defaultdict(list), {}
    for event in Event.objects.filter(pk__in=day_of).select_related("city").order_by("starts_at", "pk"):
        by_day[day_of[event.pk]].append(event)
    for _pk, local_day, total in shown:
        more[local_day] = total - len(by_day[local_day])
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    params = request.GET.copy()
    params.pop("month", None)
    return render(
        request,
        "events/event_calendar.html",
        {
            "form": form,
            "month": first,
            "weeks": [
                [(d, by_day.get(d, []), more.get(d, 0), d.month == first.month) for d in week]
                for week in weeks
            ],
            "prev_month": prev_month,
            "next_month": next_month,
            "query": params.urlencode(),
            "today": timezone.localdate(),
        },
    )


@anonymous_page("event")
def event_map(request: HttpRequest) -> HttpResponse:
    form, _qs, _near = _filtered(request)
    return render(
        request,
        "events/event_map.html",
        {"form": form, "query": request.GET.urlencode()},
    )


@anonymous_page("event")
def event_geojson(request: HttpRequest) -> HttpResponse:
    _form, qs, _near = _filtered(request)
    # Up to a thousand plain rows, not model instances (building those took most of the time).
    languages = list(dict.fromkeys([translation.get_language() or "fr", "fr", "en", "es"]))
    titles = [f"title_{code}" for code in languages]
    cities = [f"city__name_{code}" for code in languages]
    rows = qs.values("pk", "kind", "latitude", "longitude", "starts_at", "city__timezone", *titles, *cities)
    url = reverse("events:detail", args=[0])

    def first(row, fields):
        return next((row[f] for f in fields if row[f]), "")

    def properties(row):
        local = row["starts_at"].astimezone(row["city__timezone"])  # a ZoneInfo (TimeZoneField)
        return {
            "title": first(row, titles),
            "url": url.replace("/0/", f"/{row['pk']}/"),
            "subtitle": f"{local:%Y-%m-%d %H:%M} · {first(row, cities)}",
            "kind": row["kind"],
        }

    return geojson_response(feature_collection(rows[:MAP_LIMIT], properties))


# --- One event -----------------------------------------------------------------------------------


def _visible_event(request: HttpRequest, pk: int, *related) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("city", "organization", "series", *related).prefetch_related(
            "themes", "organisers"
        ),
        pk=pk,
    )
    if not rules.may_see_event(request.user, event):
        raise NotAllowed
    return event


def _managed_event(request: HttpRequest, pk: int) -> Event:
    event = _visible_event(request, pk)
    if not rules.may_manage_event(request.user, event):
        raise NotAllowed  # another organiser's event looks like a missing one
    return event


@anonymous_page("event:{pk}", "days", "initiative", "project", "mission")
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    my_rsvp = None
    if request.user.is_authenticated:
        my_rsvp = (
            RSVP.objects.filter(event=event, member=request.user)
            .exclude(status=RSVP.Status.CANCELLED)
            .first()
        )
    report = EventReport.objects.filter(event=event).prefetch_related("photos").first()
    edition = CityEdition.objects.filter(event=event).select_related("day", "initiative").first()
    waiting_position = None
    if my_rsvp and my_rsvp.status == RSVP.Status.WAITING:
        waiting_position = (
            event.rsvps.waiting()
            .filter(Q(queued_at__lt=my_rsvp.queued_at) | Q(queued_at=my_rsvp.queued_at, pk__lt=my_rsvp.pk))
            .count()
            + 1
        )
    may_manage = rules.may_manage_event(request.user, event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "my_rsvp": my_rsvp,
            "waiting_position": waiting_position,
            "rsvp_form": RSVPForm(initial={"guests": my_rsvp.guests if my_rsvp else 0}),
            "report": report,
            "edition": edition,
            "linked": event.linked(),
            "may_manage": may_manage,
            "show_online_link": event.is_online
            and (may_manage or (my_rsvp and my_rsvp.status == RSVP.Status.GOING)),
            "waiting_count": event.rsvps.waiting().count() if may_manage else None,
        },
    )


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    show = set()
    if request.user.is_authenticated and (
        rules.may_manage_event(request.user, event)
        or event.rsvps.going().filter(member=request.user).exists()
    ):
        show = {event.pk}
    return ics_response(calendar_for([event], name=event.title, show_links_for=show), f"event-{event.pk}.ics")


@login_required
@require_POST
def event_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    form = RSVPForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a number of guests from the list."))
        return redirect(event)
    try:
        rsvp = services.rsvp_create(event=event, member=request.user, guests=form.cleaned_data["guests"] or 0)
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect(event)
    if rsvp.status == RSVP.Status.GOING:
        messages.success(request, _("You are going. See you there!"))
    else:
        messages.info(
            request, _("The event is full: you are on the waiting list. We will tell you if a seat frees up.")
        )
    return redirect(event)


@login_required
@require_POST
def event_rsvp_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(request, pk)
    if services.rsvp_cancel(event=event, member=request.user):
        messages.success(request, _("Your RSVP is cancelled."))
    return redirect(event)


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    if not rules.may_create_event(request.user):
        raise NotAllowed
    return form_page(
        request,
        EventForm(request.POST or None, user=request.user),
        lambda data: services.event_create(
            created_by=request.user,
            data=_event_fields(data),
            themes=data["themes"],
            repeat=data.get("repeat") or "",
            until=data.get("until"),
            exceptions=data.get("exceptions") or [],
        ),
        template="events/event_form.html",
        context={"creating": True},
        success=_("Your event is published."),
        redirect_to=lambda event: event,
    )


def _event_fields(data: dict) -> dict:
    """What an event form's ``data`` holds of the event's own fields (``services.EVENT_FIELDS``)."""
    return {k: v for k, v in data.items() if k in services.EVENT_FIELDS}


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    return form_page(
        request,
        EventForm(request.POST or None, instance=event, user=request.user, editing=True),
        lambda data: services.event_update(
            event=event, by=request.user, data=_event_fields(data), themes=data["themes"]
        ),
        template="events/event_form.html",
        context={"event": event, "creating": False},
        success=_("Your changes are saved."),
        redirect_to=lambda event: event,
    )


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    services.event_cancel_occurrence(event=event, by=request.user)
    messages.success(request, _("The event is cancelled; attendees are told."))
    return redirect(event)


# --- Organisers --------------------------------------------------------------------------------------


@login_required
def event_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("present") if x.isdigit()]
        services.attendance_mark(event=event, by=request.user, present_ids=ids)
        messages.success(request, _("Attendance is saved."))
        return redirect("events:attendees", pk=event.pk)
    rsvps = event.rsvps.active().select_related("member").order_by("status", "queued_at", "pk")
    return render(request, "events/event_attendees.html", {"event": event, "rsvps": rsvps})


@login_required
def event_attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    rows = event.rsvps.active().csv_rows(event.city.timezone)
    return csv_response(f"event-{event.pk}-attendees.csv", ATTENDEES_CSV_HEADER, rows)


@login_required
def event_message(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    return form_page(
        request,
        MessageForm(request.POST or None),
        lambda data: services.attendees_message(event=event, by=request.user, **data),
        template="events/event_message.html",
        context={"event": event},
        success=lambda count: (
            ngettext(
                "Your message is being sent to %(n)d person.",
                "Your message is being sent to %(n)d people.",
                count,
            )
            % {"n": count}
        ),
        redirect_to=event,
    )


@login_required
def event_report(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    existing = EventReport.objects.filter(event=event).first()
    initial = {"people_count": existing.people_count, "text": existing.text} if existing else None
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.report_post(
            event=event,
            by=request.user,
            people_count=data["people_count"],
            text=data["text"],
            photos=form.photos(),
        ),
        template="events/event_report.html",
        context={"event": event},
        success=_("Thank you: the report is on the event page."),
        redirect_to=event,
    )


# --- iCal feeds ---------------------------------------------------------------------------------------


def _feed(events, name: str, filename: str, show_links_for=frozenset()) -> HttpResponse:
    rows = events.published().filter(is_cancelled=False).upcoming().select_related("city")[:FEED_LIMIT]
    return ics_response(calendar_for(rows, name=name, show_links_for=show_links_for), filename)


def feed_city(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(City, slug=slug)
    return _feed(Event.objects.filter(city=city), f"Civic — {city.name}", f"{city.slug}.ics")


def feed_theme(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    return _feed(Event.objects.filter(themes=theme), f"Civic — {theme.name}", f"{theme.slug}.ics")


def feed_member(request: HttpRequest, token: str) -> HttpResponse:
    """Events the token's owner is going to. A wrong token answers 404, like a missing page."""
    feed = get_object_or_404(FeedToken.objects.select_related("member"), token=token)
    going = RSVP.objects.filter(member=feed.member, status=RSVP.Status.GOING)
    events = Event.objects.filter(Exists(going.filter(event=OuterRef("pk"))))
    ids = set(going.values_list("event_id", flat=True))
    return _feed(events, "Civic", "my-events.ics", show_links_for=ids)


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    token = services.feed_token_for(request.user)
    rsvps = (
        RSVP.objects.filter(member=request.user, event__ends_at__gte=timezone.now())
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("event", "event__city")
        .order_by("event__starts_at")
    )
    feed_url = request.build_absolute_uri(reverse("events:feed_member", args=[token.token]))
    return render(request, "events/my_events.html", {"rsvps": rsvps, "feed_url": feed_url})


# --- Community board -----------------------------------------------------------------------------


def board(request: HttpRequest, city: str) -> HttpResponse:
    city_obj = get_object_or_404(City, slug=city)
    entries = (
        CommunityBoardEntry.objects.open()
        .filter(city=city_obj)
        .select_related("city", "author", "organization")
    )
    kind = request.GET.get("kind")
    if kind in ("need", "offer"):
        entries = entries.filter(kind=kind)
    page = CappedPaginator(entries, PAGE_SIZE, cap=BOARD_COUNT_CAP).get_page(request.GET.get("page"))
    form = BoardEntryForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            entry = services.board_entry_create(author=request.user, city=city_obj, data=form.cleaned_data)
            messages.success(request, _("Your entry is on the board."))
            return redirect(entry)
    return render(
        request,
        "events/board_list.html",
        {"city": city_obj, "page": page, "entries": page.object_list, "form": form, "kind": kind},
    )


def board_entry(request: HttpRequest, city: str, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        CommunityBoardEntry.objects.select_related("city", "author"), pk=pk, city__slug=city
    )
    replies = BoardReply.objects.none()
    user = request.user
    if user.is_authenticated:
        replies = entry.replies.filter(Q(sender=user) | Q(recipient=user)).select_related(
            "sender", "recipient"
        )
    form = BoardReplyForm(request.POST or None)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            recipient = None
            if form.cleaned_data.get("recipient"):
                recipient = (
                    entry.replies.filter(sender_id=form.cleaned_data["recipient"])
                    .select_related("sender")
                    .first()
                )
                recipient = recipient.sender if recipient else None
            try:
                services.board_reply(
                    entry=entry, sender=user, body=form.cleaned_data["body"], recipient=recipient
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your private message is sent."))
                return redirect(entry)
    threads = []
    if user.is_authenticated and user.pk == entry.author_id:
        seen = {}
        for reply in replies:
            other = reply.recipient if reply.sender_id == user.pk else reply.sender
            seen.setdefault(other.pk, (other, []))[1].append(reply)
        threads = list(seen.values())
    return render(
        request,
        "events/board_entry.html",
        {
            "entry": entry,
            "replies": replies,
            "threads": threads,
            "form": form,
            "is_author": user.pk == entry.author_id,
        },
    )


# --- NCZ Days ------------------------------------------------------------------------------------


@anonymous_page("days", "event")
def day_list(request: HttpRequest) -> HttpResponse:
    days = MobilisationDay.objects.published().annotate(
        edition_count=Count("editions", filter=Q(editions__status=CityEdition.Status.APPROVED))
    )
    return render(request, "events/day_list.html", {"days": days, "today": timezone.localdate()})


def _day(slug: str) -> MobilisationDay:
    return get_object_or_404(MobilisationDay.objects.published(), slug=slug)


def _countdown(day: MobilisationDay) -> str:
    delta = (day.date - timezone.localdate()).days
    if delta > 1:
        return _("In %(n)d days") % {"n": delta}
    if delta == 1:
        return _("Tomorrow")
    if delta == 0:
        return _("Today!")
    return _("This NCZ Day took place on %(date)s.") % {"date": day.date.isoformat()}


@anonymous_page("days", "event")
def day_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The day, its totals, and its editions: all of them grouped by country on a small day; on a
    big one, a table of countries (editions, participants), each opening its own list."""
    day = _day(slug)
    approved = day.editions.approved()
    per_country = {
        row["event__city__country"]: row
        for row in approved.values("event__city__country")
        .annotate(editions=Count("pk"), participants=Sum("event__seats_taken"))
        .order_by()
    }
    total = sum(row["editions"] for row in per_country.values())
    country = request.GET.get("country", "").upper()
    if country and country not in per_country:
        raise Http404
    listed = approved.for_map().order_by("event__city__country", "event__city__name_fr", "pk")
    if total > DAY_LIST_ALL and not country:
        listed = listed.none()
    elif country:
        listed = listed.filter(event__city__country=country)
    page = CappedPaginator(listed, DAY_LIST_PAGE, cap=DAY_LIST_CAP).get_page(request.GET.get("page"))
    by_country = defaultdict(list)
    for edition in page.object_list:
        by_country[edition.event.city.country].append(edition)
    return render(
        request,
        "events/day_detail.html",
        {
            "day": day,
            "total": total,
            "summary": sorted(
                ((Country(code), row) for code, row in per_country.items()), key=lambda cr: str(cr[0].name)
            )
            if total > DAY_LIST_ALL
            else [],
            "country": Country(country) if country else None,
            "countries": sorted(by_country.items(), key=lambda kv: str(kv[0].name)),
            "page": page,
            "countdown": _countdown(day),
            "participants": sum(row["participants"] or 0 for row in per_country.values()),
            "featured": day.featured.all(),
            "kit_files": day.kit_files.all(),
            "may_register": rules.may_register_edition(request.user) and day.registration_is_open(),
            "may_review": rules.may_review_edition(request.user),
        },
    )


@anonymous_page("days", "event")
def day_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    """Approved editions with their participant counts (an edition without a point sits on its city)."""
    day = _day(slug)
    return geojson_response(_edition_features(day.editions.approved().order_by("pk")))


def _edition_features(editions) -> dict:
    """Plain rows, not model instances: a world day has thousands of editions, and building an
    event and a city object for each cost more than the query."""
    language = translation.get_language() or "fr"
    city_name = [f"event__city__name_{code}" for code in dict.fromkeys([language, "fr", "en", "es"])]
    rows = editions.values(
        "event_id",
        "event__latitude",
        "event__longitude",
        "event__city__latitude",
        "event__city__longitude",
        "event__city__country",
        "event__seats_taken",
        *city_name,
    )
    url = reverse("events:detail", args=[0])
    features = []
    for row in rows:
        lat, lng = row["event__latitude"], row["event__longitude"]
        if lat is None:
            lat, lng = row["event__city__latitude"], row["event__city__longitude"]
        if lat is None:
            continue
        seats = row["event__seats_taken"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
                "properties": {
                    "title": next((row[f] for f in city_name if row[f]), ""),
                    "url": url.replace("/0/", f"/{row['event_id']}/"),
                    "subtitle": ngettext("%(n)d participant", "%(n)d participants", seats) % {"n": seats},
                    "participants": seats,
                    "country": row["event__city__country"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@login_required
def edition_register(request: HttpRequest, slug: str) -> HttpResponse:
    day = _day(slug)
    if not rules.may_register_edition(request.user):
        raise NotAllowed
    return form_page(
        request,
        EditionForm(request.POST or None, day=day),
        lambda data: services.edition_register(day=day, organiser=request.user, **data),
        template="events/edition_form.html",
        context={"day": day},
        success=_("Thank you! An editor will review your edition soon."),
        redirect_to=lambda edition: edition.event,
    )


def _require_editor(request: HttpRequest) -> None:
    if not rules.may_review_edition(request.user):
        raise NotAllowed


def day_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """Editors: editions by status, registrations per day, approved editions without a report."""
    _require_editor(request)
    day = get_object_or_404(MobilisationDay, slug=slug)
    editions = list(day.editions.select_related("event", "event__city", "organiser").order_by("status", "pk"))
    by_status = {s: [e for e in editions if e.status == s] for s in CityEdition.Status.values}
    registrations = (
        RSVP.objects.filter(event__edition__day=day)
        .exclude(status=RSVP.Status.CANCELLED)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"), seats=Sum("guests"))
        .order_by("day")
    )
    reported = set(EventReport.objects.filter(event__edition__day=day).values_list("event_id", flat=True))
    without_report = [e for e in by_status["approved"] if e.event_id not in reported]
    steps = ScheduledStep.objects.filter(day=day).values("step").annotate(n=Count("pk")).order_by("step")
    return render(
        request,
        "events/day_progress.html",
        {
            "day": day,
            "status_groups": [(label, by_status[value]) for value, label in CityEdition.Status.choices],
            "registrations": registrations,
            "without_report": without_report,
            "steps": steps,
        },
    )


@require_POST
def edition_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require_editor(request)
    edition = get_object_or_404(CityEdition, pk=pk, day__slug=slug)
    approve = request.POST.get("decision") == "approve"
    services.edition_review(edition=edition, editor=request.user, approve=approve)
    messages.success(request, _("The edition is approved.") if approve else _("The edition is rejected."))
    return redirect("events:day_progress", slug=slug)


def day_summary(request: HttpRequest, slug: str) -> HttpResponse:
    day = _day(slug)
    editions = list(day.editions.approved().for_map().select_related("event__report"))
    photos = list(
        ReportPhoto.objects.filter(report__event__edition__in=editions).select_related("report__event__city")[
            :24
        ]
    )
    reports = [e for e in editions if hasattr(e.event, "report")]
    return render(
        request,
        "events/day_summary.html",
        {
            "day": day,
            "editions": editions,
            "participants": sum(e.event.seats_taken for e in editions),
            "people_reported": sum(e.event.report.people_count for e in reports),
            "countries": len({e.event.city.country.code for e in editions}),
            "reports": reports,
            "photos": photos,
        },
    )
