"""Thin views: they parse, ask ``rules`` and call ``services``; reads are QuerySet methods."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from civic.core.forms import form_page, performed
from civic.core.pagecache import anonymous_page
from civic.core.paginator import CappedPaginator, query_without_page
from civic.core.permissions import NotAllowed
from civic.core.related import sections_about
from civic.core.services import history_for
from civic.organizations.rules import is_editor
from civic.places.geojson import bad_request, feature_collection, geojson_response, parse_bbox
from civic.places.models import City
from initiatives import rules, services
from initiatives.forms import (
    REPORT_FORMS,
    CatalogueFilterForm,
    ContactForm,
    InitiativeForm,
    ReplicationForm,
    ReviewForm,
)
from initiatives.models import (
    Initiative,
    InitiativeFollow,
    Portrait,
    PracticalTip,
    ReplicationIntent,
    Status,
    VideoReport,
)

PAGE_SIZE = 12
COUNT_CAP = 240  # 20 pages: past that, people narrow the filters


FEED_LIMIT = 500
REVIEWABLE = {"initiative": Initiative, "portrait": Portrait, "tip": PracticalTip, "video": VideoReport}


def _filter_form(request: HttpRequest) -> CatalogueFilterForm:
    # Countries of the active cities: one small query whatever the number of initiatives.
    codes = City.objects.active().order_by().values_list("country", flat=True).distinct()
    return CatalogueFilterForm(request.GET or None, country_codes=set(codes))


@anonymous_page("initiative")
def index(request: HttpRequest) -> HttpResponse:
    """The catalogue: filters, a card grid (paginated) and a map fed by ``feed``."""
    form = _filter_form(request).load_options()
    queryset = form.filter(Initiative.objects.published()).for_card()
    page = CappedPaginator(queryset, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    query = query_without_page(request)
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "feed_url": reverse("initiatives:feed") + (f"?{query}" if query else ""),
            "filters_open": bool(form.errors)
            or any(request.GET.get(k) for k in ("theme", "city", "country", "lat", "lng", "sort")),
            "may_add": rules.may_add_initiative(request.user),
            "is_editor": is_editor(request.user),
        },
    )


@anonymous_page("initiative")
def feed(request: HttpRequest) -> HttpResponse:
    """GeoJSON of the catalogue with the same filters, optionally inside ``bbox``; capped."""
    form = _filter_form(request)
    queryset = form.filter(Initiative.objects.published()).exclude(latitude=None)
    try:
        bbox = parse_bbox(request)
    except ValueError as exc:
        return bad_request(str(exc))
    if bbox:
        # Any 500 markers of the visible box: sorting every row in a metropolis' box is not worth it.
        queryset = queryset.in_bbox(*bbox).order_by()
    base = reverse("initiatives:index")
    rows = queryset.values(
        "pk", "latitude", "longitude", title_shown=_in_language("title"), city_name=_in_language("city__name")
    )
    return geojson_response(
        feature_collection(
            rows[:FEED_LIMIT],
            lambda row: {
                "title": row["title_shown"],
                "url": f"{base}{row['pk']}/",
                "subtitle": row["city_name"],
            },
        )
    )


def _in_language(field: str):
    """``field`` in the active language with modeltranslation's fallback order, computed in SQL
    (the feed reads ``values()``: no model instances for hundreds of rows)."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"]
    order = [active, *(code for code in fallbacks if code != active)]
    parts = (NullIf(F(f"{field}_{code}"), Value(""), output_field=TextField()) for code in order)
    return Coalesce(*parts, Value(""), output_field=TextField())


def point_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """The one point of an initiative, for the map on its page (same visibility as the page)."""
    initiative = _visible_or_404(request, pk)
    return geojson_response(
        feature_collection([initiative], lambda i: {"title": i.title, "subtitle": i.city.name})
    )


HISTORY_LABELS = {
    "created": _lazy("created"),
    "edited": _lazy("edited"),
    "submitted": _lazy("sent to review"),
    "published": _lazy("published"),
    "sent_back": _lazy("sent back"),
    "rejected": _lazy("rejected"),
    "featured": _lazy("featured"),
    "unfeatured": _lazy("no longer featured"),
    "replication_intent": _lazy("replication intent"),
    "contacted": _lazy("team contacted"),
}


def _labelled(entries) -> list:
    """Audit entries with a translated ``label`` (the last part of the dotted action)."""
    rows = list(entries)
    for entry in rows:
        verb = entry.action.rsplit(".", 1)[-1]
        entry.label = HISTORY_LABELS.get(verb, verb)
    return rows


def _visible_or_404(request: HttpRequest, pk: int) -> Initiative:
    initiative = get_object_or_404(Initiative.objects.select_related("city", "spotter"), pk=pk)
    if not rules.may_view(request.user, initiative):
        raise NotAllowed
    return initiative


@anonymous_page("initiative:{pk}", "event")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    user = request.user
    published = Status.PUBLISHED
    context = {
        "initiative": initiative,
        "themes": list(initiative.themes.all()),
        "photos": list(initiative.photos.all()),
        "portraits": list(initiative.portraits.filter(status=published).select_related("author")),
        "tips": list(initiative.tips.filter(status=published)),
        "videos": list(initiative.videos.filter(status=published)),
        "replications": list(
            initiative.replications.select_related("city", "member").order_by("-created_at")[:20]
        ),
        "another_language": initiative.shown_in_another_language(),
        "content_lang": initiative.display_language(),
        "may_edit": rules.may_edit(user, initiative),
        "may_submit": rules.may_submit(user, initiative),
        "may_review": rules.may_review(user, initiative),
        "may_report": rules.may_add_report(user, initiative),
        "is_editor": is_editor(user),
        "is_team": is_editor(user) or (user.is_authenticated and user.pk == initiative.spotter_id),
        "is_published": initiative.is_published,
        "absolute_url": request.build_absolute_uri(initiative.get_absolute_url()),
    }
    if user.is_authenticated and initiative.is_published:
        context["following"] = InitiativeFollow.objects.filter(initiative=initiative, member=user).exists()
        context["my_replication"] = ReplicationIntent.objects.filter(
            initiative=initiative, member=user
        ).first()
        context["replication_form"] = ReplicationForm(initial={"city": user.home_city_id})
        context["contact_form"] = ContactForm()
    if initiative.is_published:
        # What other apps say about it (events' reports…), without importing them.
        context["related_sections"] = sections_about(initiative, url=context["absolute_url"])
    if context["may_edit"] or context["is_editor"]:
        context["history"] = _labelled(history_for(initiative)[:20])
    return render(request, "initiatives/initiative_detail.html", context)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not rules.may_add_initiative(request.user):
        return render(request, "initiatives/become_spotter.html", status=403)
    form = InitiativeForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        lambda data: services.initiative_create(
            spotter=request.user, data=form.model_data(), themes=data["themes"], photos=form.photos()
        ),
        template="initiatives/initiative_form.html",
        success=_("Your draft is saved. Check it, then send it to the editors."),
        redirect_to=lambda initiative: initiative,
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    if not rules.may_edit(request.user, initiative):
        raise NotAllowed
    form = InitiativeForm(
        request.POST or None,
        request.FILES or None,
        instance=initiative,
        initial={"themes": initiative.themes.all()},
    )
    return form_page(
        request,
        form,
        lambda data: services.initiative_update(
            initiative=initiative,
            by=request.user,
            data=form.model_data(),
            themes=data["themes"],
            photos=form.photos(),
        ),
        template="initiatives/initiative_form.html",
        context={"initiative": initiative},
        success=_("Your changes are saved."),
        redirect_to=initiative,
    )


def _reviewable_or_404(request: HttpRequest, kind: str, pk: int):
    model = REVIEWABLE.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    initiative = obj if isinstance(obj, Initiative) else obj.initiative
    if not (rules.may_view(request.user, obj) and rules.may_view(request.user, initiative)):
        raise NotAllowed
    return obj, initiative


@login_required
@require_POST
def submit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj, initiative = _reviewable_or_404(request, kind, pk)
    performed(
        request,
        lambda: services.review_submit(obj=obj, by=request.user),
        success=_("Sent to the editors. You will be told when they have read it."),
    )
    return redirect(initiative)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not is_editor(request.user):
        raise NotAllowed
    initiatives = list(
        Initiative.objects.in_review().select_related("city", "spotter").order_by("submitted_at", "pk")[:100]
    )
    reports = []
    for kind, model in (("portrait", Portrait), ("tip", PracticalTip), ("video", VideoReport)):
        for obj in (
            model.objects.in_review().select_related("initiative", "author").order_by("submitted_at")[:50]
        ):
            reports.append((kind, obj))
    return render(request, "initiatives/review_queue.html", {"initiatives": initiatives, "reports": reports})


@login_required
def review(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not is_editor(request.user):
        raise NotAllowed
    obj, initiative = _reviewable_or_404(request, kind, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
        try:
            if decision == "publish":
                services.review_publish(obj=obj, by=request.user)
                messages.success(request, _("Published."))
            elif decision == "send_back":
                services.review_send_back(obj=obj, by=request.user, comment=comment)
                messages.success(request, _("Sent back to its author with your comment."))
            else:
                services.review_reject(obj=obj, by=request.user, comment=comment)
                messages.success(request, _("Rejected."))
        except NotAllowed:
            # An editor who opened the form may find it already decided by another editor.
            messages.error(request, _("This is not waiting for review any more."))
        return redirect("initiatives:review_queue")
    return render(
        request,
        "initiatives/review_form.html",
        {
            "form": form,
            "obj": obj,
            "kind": kind,
            "initiative": initiative,
            "history": _labelled(history_for(obj)[:20]),
        },
    )


@login_required
@require_POST
def feature(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_or_404(request, pk)
    if not is_editor(request.user):
        raise NotAllowed
    services.initiative_feature(
        initiative=initiative, by=request.user, featured=request.POST.get("featured") == "1"
    )
    return redirect(initiative)


def _published_or_404(request: HttpRequest, pk: int) -> Initiative:
    initiative = _visible_or_404(request, pk)
    if not initiative.is_published:
        raise Http404
    return initiative


@login_required
@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _published_or_404(request, pk)
    if request.POST.get("follow") == "0":
        services.follow_delete(initiative=initiative, member=request.user)
        messages.success(request, _("You no longer follow this initiative."))
    else:
        services.follow_create(initiative=initiative, member=request.user)
        messages.success(request, _("You follow this initiative."))
    return redirect(initiative)


@login_required
def replicate(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _published_or_404(request, pk)
    form = ReplicationForm(request.POST or None, initial={"city": request.user.home_city_id})
    if request.method == "POST" and form.is_valid():
        intent = services.replication_create(
            initiative=initiative,
            member=request.user,
            city=form.cleaned_data["city"],
            message=form.cleaned_data["message"],
        )
        if intent is None:
            messages.info(request, _("You already said you want to start this in your city."))
        else:
            messages.success(request, _("Thank you! The team and the editors can see your wish."))
        return redirect(initiative)
    return render(request, "initiatives/replication_form.html", {"form": form, "initiative": initiative})


@login_required
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _published_or_404(request, pk)
    return form_page(
        request,
        ContactForm(request.POST or None),
        lambda data: services.contact_team(initiative=initiative, sender=request.user, body=data["body"]),
        template="initiatives/contact_form.html",
        context={"initiative": initiative},
        success=_("Your message was sent to the team. Your email address stays private."),
        redirect_to=initiative,
    )


@login_required
def report_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    initiative = _published_or_404(request, pk)
    if kind not in REPORT_FORMS or not rules.may_add_report(request.user, initiative):
        raise NotAllowed
    form = REPORT_FORMS[kind](request.POST or None)

    def create(data):
        fields = {name: data[name] for name in form.Meta.fields}
        report = services.report_create(kind=kind, initiative=initiative, author=request.user, data=fields)
        if request.POST.get("send") == "1":
            services.review_submit(obj=report, by=request.user)

    return form_page(
        request,
        form,
        create,
        template="initiatives/report_form.html",
        context={"initiative": initiative, "kind": kind},
        success=_("Thank you! The editors will read it before it is published."),
        redirect_to=initiative,
    )


def contributor(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's contributions to the catalogue with counts; their own drafts only for themselves."""
    member = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    own = request.user.is_authenticated and (request.user.pk == member.pk or is_editor(request.user))
    statuses = Q() if own else Q(status=Status.PUBLISHED)
    spotted = list(
        Initiative.objects.filter(statuses, spotter=member)
        .select_related("city")
        .order_by("-updated_at")[:50]
    )
    reports = []
    counts = {"initiatives": Initiative.objects.filter(spotter=member, status=Status.PUBLISHED).count()}
    for kind, model in (("portrait", Portrait), ("tip", PracticalTip), ("video", VideoReport)):
        rows = (
            model.objects.filter(statuses, author=member).select_related("initiative").order_by("-updated_at")
        )
        reports += [(kind, r) for r in rows[:50]]
        counts[f"{kind}s"] = model.objects.filter(author=member, status=Status.PUBLISHED).count()
    counts["replications"] = ReplicationIntent.objects.filter(member=member).count()
    return render(
        request,
        "initiatives/contributor_detail.html",
        {"member": member, "spotted": spotted, "reports": reports, "counts": counts, "own": own},
    )
