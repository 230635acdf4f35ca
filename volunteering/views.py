from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civic.core.forms import add_service_errors
from civic.core.ics import ics_response
from civic.core.pagecache import anonymous_page
from civic.core.paginator import query_without_page
from civic.core.permissions import NotAllowed
from civic.organizations.models import Organization
from civic.places.geo import distance_km
from civic.places.geojson import bad_request, feature_collection, geojson_response, parse_bbox
from volunteering import services
from volunteering.calendar import ics_filename, slot_ics
from volunteering.forms import JoinForm, MissionSearchForm, RecommendForm
from volunteering.models import (
    ACTIVE_STATUSES,
    Mission,
    MissionStatus,
    Participation,
    ParticipationStatus,
    Slot,
)
from volunteering.rules import is_cancellable, may_manage_mission, why_not_joinable

PAGE_SIZE = 20
# The list shows the first 100 matching missions at most. A deeper page costs a walk over every nearer
# mission and a test of each one's filters (page 50 with two filters took 365-391 ms at scale 1): past
# page 5 people narrow the radius or the filters instead, and the list says so (README, Decisions).
MAX_PAGES = 5
MAP_LIMIT = 500
FILTER_PARAMS = (
    "where",
    "lat",
    "lng",
    "km",
    "themes",
    "date_from",
    "date_to",
    "availability",
    "remote",
    "beginner",
    "accessible",
    "organization",
)


def _profile_defaults(user) -> dict:
    """Search data pre-filled from a member's profile: interests, availability and home point."""
    data = {"km": "10"}
    themes = [str(pk) for pk in user.interests.values_list("pk", flat=True)]
    if themes:
        data["themes"] = themes
    if user.availability:
        data["availability"] = list(user.availability)
    if user.has_point:
        data["lat"], data["lng"] = str(user.latitude), str(user.longitude)
    elif user.home_city_id and user.home_city.has_point:
        data["lat"], data["lng"] = str(user.home_city.latitude), str(user.home_city.longitude)
    return data


def _search(request: HttpRequest) -> tuple[MissionSearchForm, object, tuple | None, bool]:
    """The bound form, the missions matching it, the search point and whether the profile pre-filled it."""
    prefilled = False
    if any(key in request.GET for key in FILTER_PARAMS):
        data = request.GET
    elif request.user.is_authenticated:
        data = QueryDict(mutable=True)
        for key, value in _profile_defaults(request.user).items():
            data.setlist(key, value if isinstance(value, list) else [value])
        prefilled = True
    else:
        data = {}
    form = MissionSearchForm(data)
    missions = form.filter(Mission.objects.all())
    return form, missions, form.origin, prefilled


@anonymous_page("mission")
def index(request: HttpRequest) -> HttpResponse:
    """Search: map and list of published missions with an upcoming slot. Fixed number of queries."""
    form, missions, origin, prefilled = _search(request)
    # Pages are slices of an index-ordered query: no COUNT over every mission in the radius.
    try:
        number = max(1, min(int(request.GET.get("page", 1)), MAX_PAGES))
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = missions.for_list().ids_then_rows(offset, offset + PAGE_SIZE + 1)
    query = query_without_page(request)
    feed_url = reverse("volunteering:geojson") + (f"?{query}" if query else "")
    return render(
        request,
        "volunteering/mission_list.html",
        {
            "form": form,
            "page_number": number,
            "has_previous": number > 1,
            "has_next": len(rows) > PAGE_SIZE and number < MAX_PAGES,
            "capped": len(rows) > PAGE_SIZE and number == MAX_PAGES,
            "listed_at_most": MAX_PAGES * PAGE_SIZE,
            "missions": rows[:PAGE_SIZE],
            "origin": origin,
            "prefilled": prefilled,
            "query": query,
            "feed_url": feed_url,
        },
    )


@anonymous_page("mission")
def geojson(request: HttpRequest) -> HttpResponse:
    """The map's feed: the same filters as the list, optionally limited to ``bbox``."""
    try:
        bbox = parse_bbox(request)
    except ValueError as error:
        return bad_request(str(error))
    form, missions, origin, _prefilled = _search(request)
    if not form.is_valid():
        return bad_request(" ".join(str(e) for errors in form.errors.values() for e in errors))
    if bbox:
        south, west, north, east = bbox
        if west <= east and origin is None:
            # The circle around the visible area, nearest to its centre first (a crowded view shows its
            # middle): the GiST index reads only MAP_LIMIT rows. Markers just outside the box are harmless.
            lat, lng = (south + north) / 2, (west + east) / 2
            missions = missions.near(lat, lng, distance_km(lat, lng, north, east))
        else:
            missions = missions.in_bbox(*bbox)
    rows = missions.values("pk", "title", "latitude", "longitude", "next_slot_at", "places_left")[:MAP_LIMIT]

    # Resolved and translated once, not once per marker (up to MAP_LIMIT of them).
    url_prefix = reverse("volunteering:index")
    places_left = _("%(n)s places left")

    def properties(row):
        return {
            "title": row["title"],
            "url": f"{url_prefix}{row['pk']}/",
            "subtitle": places_left % {"n": max(row["places_left"] or 0, 0)},
        }

    return geojson_response(feature_collection(rows, properties))


def _visible_mission(request: HttpRequest, pk: int) -> Mission:
    mission = get_object_or_404(
        Mission.objects.select_related("organization", "city").prefetch_related("themes"), pk=pk
    )
    if mission.status == MissionStatus.DRAFT and not may_manage_mission(request.user, mission):
        raise NotAllowed
    return mission


def _detail_context(
    request: HttpRequest, mission: Mission, recommend_form: RecommendForm | None = None
) -> dict:
    slots = list(mission.slots.upcoming())
    mine, friends = {}, []
    if request.user.is_authenticated:
        mine = {
            p.slot_id: p
            for p in Participation.objects.filter(slot__mission=mission, member=request.user)
            .select_related("slot")
            .with_waiting_rank()
        }
        friends = list(
            {
                p.member_id: p.member
                for p in Participation.objects.filter(
                    slot__mission=mission,
                    status__in=(ParticipationStatus.CONFIRMED, ParticipationStatus.ATTENDED),
                    member__follower_set__follower=request.user,
                    member__is_former=False,
                ).select_related("member")
            }.values()
        )
    for slot in slots:
        slot.mine = mine.get(slot.pk)
    return {
        "mission": mission,
        "slots": slots,
        "friends": friends,
        "join_form": JoinForm(),
        "recommend_form": recommend_form or RecommendForm(),
        "absolute_url": request.build_absolute_uri(mission.get_absolute_url()),
        "is_open": mission.status == MissionStatus.PUBLISHED,
    }


@anonymous_page("mission:{pk}")
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _visible_mission(request, pk)
    return render(request, "volunteering/mission_detail.html", _detail_context(request, mission))


def mission_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _visible_mission(request, pk)
    return geojson_response(
        feature_collection([mission], lambda m: {"title": m.title, "subtitle": m.address})
    )


@login_required
def participation_create(request: HttpRequest, slot_pk: int) -> HttpResponse:
    """GET: a confirmation page (where visitors land after signing up); POST: join the slot."""
    slot = get_object_or_404(
        Slot.objects.select_related("mission__organization", "mission__city"), pk=slot_pk
    )
    mission = slot.mission
    if mission.status == MissionStatus.DRAFT and not may_manage_mission(request.user, mission):
        raise NotAllowed
    existing = Participation.objects.filter(
        slot=slot, member=request.user, status__in=ACTIVE_STATUSES
    ).first()
    if existing:
        messages.info(request, _("You already take part in this slot."))
        return redirect(mission.get_absolute_url() + f"#slot-{slot.pk}")
    form = JoinForm(request.POST or None)
    error = why_not_joinable(slot)
    if request.method == "POST" and form.is_valid() and not error:
        try:
            participation = services.participation_create(
                slot=slot, member=request.user, share_contact=form.cleaned_data["share_contact"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if participation.status == ParticipationStatus.CONFIRMED:
                messages.success(request, _("You take part! A confirmation is on its way by email."))
            else:
                messages.success(
                    request,
                    _(
                        "The slot is full: you are number %(n)d on the waiting list. We will tell you if a place frees up."
                    )
                    % {"n": participation.waiting_rank},
                )
            return redirect(mission.get_absolute_url() + f"#slot-{slot.pk}")
    status = 400 if error and request.method == "POST" else 200
    return render(
        request,
        "volunteering/participation_create.html",
        {"slot": slot, "mission": mission, "form": form, "error": error},
        status=status,
    )


@login_required
@require_POST
def participation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    participation = get_object_or_404(
        Participation.objects.select_related("slot__mission"), pk=pk, member=request.user
    )
    if not is_cancellable(participation):
        messages.error(request, _("This participation can no longer be cancelled."))
    else:
        try:
            services.participation_cancel(participation=participation, by=request.user)
            messages.success(request, _("Your participation is cancelled."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("volunteering:mine")
    return redirect(target)


def slot_calendar(request: HttpRequest, slot_pk: int) -> HttpResponse:
    slot = get_object_or_404(
        Slot.objects.select_related("mission__organization", "mission__city").exclude(
            mission__status=MissionStatus.DRAFT
        ),
        pk=slot_pk,
    )
    return ics_response(slot_ics(slot).encode(), ics_filename(slot), as_attachment=True)


@login_required
@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _visible_mission(request, pk)
    form = RecommendForm(request.POST)
    if form.is_valid():
        try:
            recommendation = services.recommendation_send(
                sender=request.user,
                mission=mission,
                emails=form.cleaned_data["emails"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you! Your recommendation was sent to %(n)d people.")
                % {"n": recommendation.recipients_count},
            )
            return redirect(mission.get_absolute_url())
    return render(
        request, "volunteering/mission_detail.html", _detail_context(request, mission, form), status=400
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My engagements: upcoming (with waiting ranks), past, and hours per association."""
    now = timezone.now()
    base = Participation.objects.filter(member=request.user).select_related(
        "slot__mission__organization", "slot__mission__city"
    )
    upcoming = (
        base.filter(status__in=ACTIVE_STATUSES, slot__starts_at__gt=now)
        .with_waiting_rank()
        .order_by("slot__starts_at")
    )
    past = (
        base.filter(slot__starts_at__lte=now)
        .exclude(status=ParticipationStatus.CANCELLED)
        .order_by("-slot__starts_at")
    )
    hours = (
        Participation.objects.filter(member=request.user, status=ParticipationStatus.ATTENDED)
        .values("slot__mission__organization_id", "slot__mission__organization__name")
        .annotate(total=Sum("hours"))
        .order_by("slot__mission__organization__name")
    )
    return render(
        request,
        "volunteering/participation_list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "hours": hours,
            "total_hours": sum(h["total"] or 0 for h in hours),
        },
    )


@login_required
def attestation(request: HttpRequest, organization_pk: int) -> HttpResponse:
    """A printable attestation of the hours done with one organisation."""
    organization = get_object_or_404(Organization, pk=organization_pk)
    participations = list(
        Participation.objects.filter(
            member=request.user, status=ParticipationStatus.ATTENDED, slot__mission__organization=organization
        )
        .select_related("slot__mission__city")
        .order_by("slot__starts_at")
    )
    if not participations:
        raise Http404
    return render(
        request,
        "volunteering/attestation_detail.html",
        {
            "organization": organization,
            "participations": participations,
            "total": sum(p.hours or 0 for p in participations),
            "today": timezone.localdate(),
        },
    )
