"""Thin views: load, check ``participation.rules`` (another city's dashboard or a hidden proposal
answers 404), call a service, render."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from civic.core.csv import csv_response
from civic.core.forms import add_service_errors, flash_errors, form_page, performed, submitted
from civic.core.models import Theme
from civic.core.pagecache import anonymous_page
from civic.core.paginator import CappedPaginator, query_without_page
from civic.core.permissions import NotAllowed
from civic.organizations.models import Organization
from civic.places.geojson import feature_collection, geojson_response
from participation import rules, services, stats
from participation.forms import (
    AnswerForm,
    CallForm,
    CallResponseForm,
    CommentForm,
    FlagForm,
    ModerationForm,
    NeighbourhoodForm,
    ProposalForm,
    SpaceFilterForm,
    SpaceSettingsForm,
)
from participation.models import (
    ANSWER_CSV_HEADER,
    PROPOSAL_CSV_HEADER,
    SUPPORTS_CSV_HEADER,
    AnswerRevision,
    CallForParticipation,
    CallResponse,
    CitySpace,
    Comment,
    Neighbourhood,
    Proposal,
    ProposalFollow,
    Support,
)

PAGE_SIZE = 20
COUNT_CAP = 1000


def _space(city_slug: str) -> CitySpace:
    return get_object_or_404(CitySpace.objects.select_related("city"), city__slug=city_slug, is_active=True)


def _visible_proposal(request, space: CitySpace, pk: int, *, related=()) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("city", "author", *related), city=space.city, pk=pk
    )
    if not rules.may_view_proposal(request.user, proposal):
        raise NotAllowed
    return proposal


def _require_verified(request) -> bool:
    if rules.is_verified(request.user):
        return True
    messages.error(request, _("Please confirm your email address before taking part."))
    return False


# --- Public pages ------------------------------------------------------------------------------


@anonymous_page("space", "proposal")
def index(request: HttpRequest) -> HttpResponse:
    """The cities that have a participation space, with their number of public proposals."""
    spaces = (
        CitySpace.objects.filter(is_active=True)
        .select_related("city")
        .annotate(proposals=Count("city__proposals", filter=Q(city__proposals__is_hidden=False)))
        .order_by("city__name")
    )
    return render(request, "participation/space_list.html", {"spaces": spaces})


@anonymous_page("space", "proposal")
def space_detail(request: HttpRequest, city_slug: str) -> HttpResponse:
    """A city's space: sorted, filtered proposals, the map, the topics that matter most."""
    space = _space(city_slug)
    city = space.city
    themes = list(Theme.objects.active())
    neighbourhoods = list(Neighbourhood.objects.filter(city=city))
    form = SpaceFilterForm(request.GET or None, city=city, themes=themes, neighbourhoods=neighbourhoods)
    proposals = form.filter(Proposal.objects.visible().of_city(city).for_list())
    page = CappedPaginator(proposals, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    supported = set()
    if request.user.is_authenticated:
        supported = set(
            Support.objects.filter(member=request.user, proposal__in=[p.pk for p in page]).values_list(
                "proposal_id", flat=True
            )
        )
    embed_url = request.build_absolute_uri(reverse("participation:embed", args=[city.slug]))
    return render(
        request,
        "participation/space_detail.html",
        {
            "space": space,
            "city": city,
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "count_capped": page.paginator.capped,
            "space_url": reverse("participation:space", args=[city.slug]),
            "count_cap": COUNT_CAP,
            "supported": supported,
            "topics": stats.topics_that_matter(city, themes=themes, neighbourhoods=neighbourhoods),
            "calls": CallForParticipation.objects.open().filter(city=city).select_related("organization")[:5],
            "may_publish": rules.may_publish(request.user),
            "may_manage": rules.may_manage_city(request.user, city),
            "embed_snippet": (
                f'<iframe src="{embed_url}?sort=supported" title="{_("Proposals in %(city)s") % {"city": city}}"'
                ' width="100%" height="480" loading="lazy" style="border:0"></iframe>'
            ),
        },
    )


@anonymous_page("space", "proposal")
def space_geojson(request: HttpRequest, city_slug: str) -> HttpResponse:
    """Located public proposals of a city, most supported first (500 at most)."""
    space = _space(city_slug)
    rows = (
        Proposal.objects.visible()
        .of_city(space.city)
        .filter(latitude__isnull=False)
        .order_by("-supports_count", "-id")
        .values("pk", "title", "latitude", "longitude", "supports_count")[:500]
    )
    base = reverse("participation:space", args=[space.city.slug])

    def props(row):
        return {
            "title": row["title"],
            "url": f"{base}proposals/{row['pk']}/",
            "subtitle": _("%(n)d supports") % {"n": row["supports_count"]},
        }

    return geojson_response(feature_collection(rows, props))


@login_required
def proposal_create(request: HttpRequest, city_slug: str) -> HttpResponse:
    space = _space(city_slug)
    if not rules.may_publish(request.user):
        return render(request, "participation/verify_email.html", {"space": space}, status=403)
    return form_page(
        request,
        ProposalForm(request.POST or None, request.FILES or None, city=space.city),
        lambda data: services.proposal_create(
            author=request.user,
            city=space.city,
            title=data["title"],
            text=data["text"],
            theme=data["theme"],
            neighbourhood=data.get("neighbourhood"),
            point=data.get("point"),
            photo=data.get("photo"),
            photo_alt=data.get("photo_alt", ""),
        ),
        template="participation/proposal_form.html",
        context={"space": space},
        success=_("Your proposal is published."),
        redirect_to=lambda proposal: proposal.get_absolute_url(),
    )


@anonymous_page("proposal:{pk}", "space")
def proposal_detail(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    space = _space(city_slug)
    proposal = _visible_proposal(
        request, space, pk, related=("theme", "neighbourhood", "answer__organization")
    )
    user = request.user
    comments = list(proposal.comments.select_related("author"))
    threads = [c for c in comments if c.parent_id is None]
    replies: dict[int, list[Comment]] = {}
    for c in comments:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    for c in threads:
        c.thread_replies = replies.get(c.pk, [])
    answer = getattr(proposal, "answer", None) if proposal.answered_at else None
    revisions = list(AnswerRevision.objects.filter(answer=answer)) if answer else []
    state = {"supported": False, "following": False}
    if user.is_authenticated:
        state["supported"] = Support.objects.filter(proposal=proposal, member=user).exists()
        state["following"] = ProposalFollow.objects.filter(proposal=proposal, member=user).exists()
    may_comment = rules.may_comment(user, proposal)
    return render(
        request,
        "participation/proposal_detail.html",
        {
            "space": space,
            "city": space.city,
            "proposal": proposal,
            "photos": list(proposal.photos.all()),
            "threads": threads,
            "answer": answer,
            "revisions": revisions,
            "supported": bool(state["supported"]),
            "following": state["following"],
            "may_support": rules.may_support(user, proposal),
            "may_comment": may_comment,
            "may_flag": rules.may_flag(user, proposal) and proposal.author_id != user.pk,
            "may_answer": rules.may_answer(user, space.city),
            "may_manage": rules.may_manage_city(user, space.city),
            "comment_form": CommentForm() if may_comment else None,
            "user_id": user.pk,
        },
    )


@require_POST
@login_required
def proposal_support(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    space = _space(city_slug)
    proposal = _visible_proposal(request, space, pk)
    if _require_verified(request):
        if request.POST.get("action") == "withdraw":
            performed(
                request,
                lambda: services.support_withdraw(proposal=proposal, member=request.user),
                success=_("Your support is withdrawn."),
            )
        else:
            performed(
                request,
                lambda: services.proposal_support(proposal=proposal, member=request.user),
                success=_("Thank you for your support."),
            )
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
def proposal_follow(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    space = _space(city_slug)
    proposal = _visible_proposal(request, space, pk)
    if request.POST.get("action") == "unfollow":
        services.proposal_unfollow(proposal=proposal, member=request.user)
        messages.success(request, _("You no longer follow this proposal."))
    elif not proposal.is_hidden:
        services.proposal_follow(proposal=proposal, member=request.user)
        messages.success(request, _("You follow this proposal: you will be told about comments and answers."))
    return redirect(proposal.get_absolute_url())


@require_POST
@login_required
def comment_create(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    space = _space(city_slug)
    proposal = _visible_proposal(request, space, pk)
    if not _require_verified(request):
        return redirect(proposal.get_absolute_url())
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"], proposal=proposal).first()
            if parent is None:
                raise Http404
        try:
            comment = services.comment_create(
                proposal=proposal, author=request.user, text=form.cleaned_data["text"], parent=parent
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(f"{proposal.get_absolute_url()}#comment-{comment.pk}")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{proposal.get_absolute_url()}#comments")


def _own_comment(request, space, pk, comment_pk) -> Comment:
    proposal = _visible_proposal(request, space, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, proposal=proposal)
    comment.proposal = proposal
    if comment.author_id != request.user.pk:
        raise NotAllowed
    return comment


@login_required
def comment_edit(request: HttpRequest, city_slug: str, pk: int, comment_pk: int) -> HttpResponse:
    space = _space(city_slug)
    comment = _own_comment(request, space, pk, comment_pk)
    url = f"{comment.proposal.get_absolute_url()}#comment-{comment.pk}"
    if not rules.may_edit_comment(request.user, comment):
        messages.error(request, _("A comment can only be edited during the 15 minutes after it is posted."))
        return redirect(url)
    return form_page(
        request,
        CommentForm(request.POST or None, initial={"text": comment.text}),
        lambda data: services.comment_edit(comment=comment, member=request.user, text=data["text"]),
        template="participation/comment_form.html",
        context={"space": space, "comment": comment},
        success=_("Your comment is updated."),
        redirect_to=url,
    )


@require_POST
@login_required
def comment_delete(request: HttpRequest, city_slug: str, pk: int, comment_pk: int) -> HttpResponse:
    space = _space(city_slug)
    comment = _own_comment(request, space, pk, comment_pk)
    services.comment_delete(comment=comment, member=request.user)
    messages.success(request, _("Your comment is deleted."))
    return redirect(f"{comment.proposal.get_absolute_url()}#comments")


@login_required
def flag(request: HttpRequest, city_slug: str, pk: int, comment_pk: int | None = None) -> HttpResponse:
    space = _space(city_slug)
    proposal = _visible_proposal(request, space, pk)
    comment = get_object_or_404(Comment, pk=comment_pk, proposal=proposal) if comment_pk else None
    if not _require_verified(request):
        return redirect(proposal.get_absolute_url())
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        performed(
            request,
            lambda: services.flag_create(
                member=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                proposal=None if comment else proposal,
                comment=comment,
            ),
            success=_("Thank you: the moderators will look at it."),
        )
        return redirect(proposal.get_absolute_url())
    return render(
        request,
        "participation/flag_form.html",
        {"space": space, "proposal": proposal, "comment": comment, "form": form},
    )


def call_detail(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    space = _space(city_slug)
    call = get_object_or_404(
        CallForParticipation.objects.select_related("organization", "city"), city=space.city, pk=pk
    )
    if not call.is_published and not rules.may_manage_call(request.user, call):
        raise NotAllowed
    is_open = CallForParticipation.objects.open().filter(pk=call.pk).exists()
    already = (
        request.user.is_authenticated and CallResponse.objects.filter(call=call, member=request.user).exists()
    )
    form = CallResponseForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if _require_verified(request) and submitted(
            request, form, lambda data: services.call_respond(call=call, member=request.user, **data)
        ):
            messages.success(request, _("Thank you: your answer is sent to the organiser."))
            return redirect(call.get_absolute_url())
    return render(
        request,
        "participation/call_detail.html",
        {
            "space": space,
            "call": call,
            "form": form,
            "is_open": is_open,
            "already": already,
            "may_respond": rules.may_respond_to_call(request.user, call),
            "may_manage": rules.may_manage_call(request.user, call),
        },
    )


def call_responses(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    """Who answered a call: names and emails of those who consented, counts for the others."""
    space = _space(city_slug)
    call = get_object_or_404(
        CallForParticipation.objects.select_related("organization", "city"), city=space.city, pk=pk
    )
    if not rules.may_manage_call(request.user, call):
        raise NotAllowed
    counts = call.responses.aggregate(
        total=Count("id"), consented=Count("id", filter=Q(consent_to_share=True))
    )
    shared = call.responses.filter(consent_to_share=True).select_related("member")
    return render(
        request,
        "participation/call_responses.html",
        {"space": space, "call": call, "counts": counts, "shared": shared},
    )


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@anonymous_page("space", "proposal")  # under the framing headers: a cached copy is framable too
def embed(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The embeddable widget: the latest or most supported public proposals. The only framable page."""
    space = _space(city_slug)
    sort = "newest" if request.GET.get("sort") == "newest" else "supported"
    try:
        limit = max(1, min(int(request.GET.get("limit", 5)), 20))
    except ValueError:
        limit = 5
    proposals = (
        Proposal.objects.visible()
        .of_city(space.city)
        .select_related("theme")
        .defer("text", "search_vector")
        .sorted_by(sort)[:limit]
    )
    return render(
        request,
        "participation/embed.html",
        {"space": space, "city": space.city, "proposals": proposals, "sort": sort},
    )


# --- Dashboard (officials) ---------------------------------------------------------------------


def _managed_space(request, city_slug: str) -> CitySpace:
    space = _space(city_slug)
    if not rules.may_manage_city(request.user, space.city):
        raise NotAllowed
    return space


def dashboard(request: HttpRequest, city_slug: str) -> HttpResponse:
    space = _managed_space(request, city_slug)
    city = space.city
    themes = list(Theme.objects.all())
    neighbourhoods = list(Neighbourhood.objects.filter(city=city))
    queue = (
        Proposal.objects.of_city(city)
        .awaiting_answer()
        .select_related("theme", "author")
        .defer("text", "search_vector")
        .order_by("threshold_reached_at", "id")[:50]
    )
    hidden = (
        Proposal.objects.of_city(city)
        .filter(is_hidden=True, review_pending=False)
        .defer("text", "search_vector")
        .order_by("-moderated_at")[:20]
    )
    return render(
        request,
        "participation/dashboard.html",
        {
            "space": space,
            "city": city,
            "figures": stats.key_figures(city),
            "charts": stats.charts(city, themes=themes, neighbourhoods=neighbourhoods),
            "queue": queue,
            "flagged_proposals": Proposal.objects.moderation_queue(city),
            "flagged_comments": Comment.objects.moderation_queue(city),
            "hidden": hidden,
            "may_answer": rules.may_answer(request.user, city),
            "moderation_form": ModerationForm(),
        },
    )


def answer_form(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    space = _space(city_slug)
    if not rules.may_answer(request.user, space.city):
        raise NotAllowed
    proposal = get_object_or_404(
        Proposal.objects.select_related("city", "author", "theme", "answer__organization"),
        city=space.city,
        pk=pk,
    )
    answer = getattr(proposal, "answer", None) if proposal.answered_at else None
    initial = {}
    if answer:
        initial = {
            "status": answer.status,
            "text": answer.text,
            "cost": None if answer.cost_cents is None else answer.cost_cents / 100,
            "planned_date": answer.planned_date,
        }
    form = AnswerForm(request.POST or None, initial=initial)
    revisions = AnswerRevision.objects.filter(answer=answer).select_related("author") if answer else []
    return form_page(
        request,
        form,
        lambda data: services.proposal_answer(
            proposal=proposal,
            official=request.user,
            status=data["status"],
            text=data["text"],
            cost_cents=form.cost_cents(),
            planned_date=data["planned_date"],
        ),
        template="participation/answer_form.html",
        context={"space": space, "proposal": proposal, "answer": answer, "revisions": revisions},
        success=_("Your answer is published."),
        redirect_to=reverse("participation:dashboard", kwargs={"city_slug": space.city.slug}),
    )


@require_POST
def moderate(request: HttpRequest, city_slug: str, kind: str, pk: int, action: str) -> HttpResponse:
    space = _managed_space(request, city_slug)
    if kind not in ("proposal", "comment") or action not in ("hide", "restore"):
        raise Http404
    if kind == "proposal":
        target = get_object_or_404(Proposal.objects.select_related("city", "author"), city=space.city, pk=pk)
    else:
        target = get_object_or_404(
            Comment.objects.select_related("proposal__city", "author"), proposal__city=space.city, pk=pk
        )
    form = ModerationForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    if action == "hide":
        performed(
            request,
            lambda: services.content_hide(target=target, moderator=request.user, reason=reason),
            success=_("The content is hidden; its author is told why."),
        )
    else:
        performed(
            request,
            lambda: services.content_restore(target=target, moderator=request.user, reason=reason),
            success=_("The content is visible again."),
        )
    return redirect("participation:dashboard", city_slug=space.city.slug)


def dashboard_settings(request: HttpRequest, city_slug: str) -> HttpResponse:
    space = _managed_space(request, city_slug)
    form = SpaceSettingsForm(request.POST or None, instance=space, prefix="space")
    hood_form = NeighbourhoodForm(request.POST or None, prefix="hood")
    if request.method == "POST":
        try:
            if "delete_neighbourhood" in request.POST:
                hood = get_object_or_404(
                    Neighbourhood, city=space.city, pk=request.POST["delete_neighbourhood"]
                )
                services.neighbourhood_delete(neighbourhood=hood, by=request.user)
                messages.success(request, _("The neighbourhood is removed."))
                return redirect("participation:dashboard_settings", city_slug=space.city.slug)
            if "add_neighbourhood" in request.POST:
                form = SpaceSettingsForm(instance=space, prefix="space")
                if hood_form.is_valid():
                    services.neighbourhood_create(city=space.city, by=request.user, **hood_form.cleaned_data)
                    messages.success(request, _("The neighbourhood is added."))
                    return redirect("participation:dashboard_settings", city_slug=space.city.slug)
            else:
                hood_form = NeighbourhoodForm(prefix="hood")
                if form.is_valid():
                    data = form.cleaned_data
                    services.space_update(
                        space=CitySpace.objects.get(pk=space.pk),
                        by=request.user,
                        support_threshold=data["support_threshold"],
                        **{k: v for k, v in data.items() if k.startswith("intro_")},
                    )
                    messages.success(request, _("The settings are saved."))
                    return redirect("participation:dashboard_settings", city_slug=space.city.slug)
        except ValidationError as exc:
            add_service_errors(hood_form if "add_neighbourhood" in request.POST else form, exc)
    return render(
        request,
        "participation/dashboard_settings.html",
        {
            "space": space,
            "form": form,
            "hood_form": hood_form,
            "neighbourhoods": Neighbourhood.objects.filter(city=space.city),
        },
    )


def dashboard_calls(request: HttpRequest, city_slug: str) -> HttpResponse:
    space = _managed_space(request, city_slug)
    city = space.city

    def publish(data):
        organization = (
            Organization.objects.public_bodies_of(city).filter(memberships__user=request.user).first()
            or Organization.objects.public_bodies_of(city).first()
        )
        if organization is None:
            raise NotAllowed
        services.call_create(city=city, organization=organization, by=request.user, **data)

    return form_page(
        request,
        CallForm(request.POST or None),
        publish,
        template="participation/dashboard_calls.html",
        context={
            "space": space,
            "calls": CallForParticipation.objects.filter(city=city).select_related("organization"),
        },
        success=_("Your call for participation is published."),
        redirect_to=reverse("participation:dashboard_calls", kwargs={"city_slug": city.slug}),
    )


# --- CSV exports of public (non-hidden) content, for the city's officials and editors -------------


def export_proposals(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _managed_space(request, city_slug).city
    rows = Proposal.objects.visible().of_city(city).csv_rows(city)
    return csv_response(f"{city.slug}-proposals.csv", PROPOSAL_CSV_HEADER, rows)


def export_supports(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _managed_space(request, city_slug).city
    rows = Support.objects.of_visible_proposals(city).csv_rows_per_day(city.timezone)
    return csv_response(f"{city.slug}-supports.csv", SUPPORTS_CSV_HEADER, rows)


def export_answers(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _managed_space(request, city_slug).city
    rows = Proposal.objects.visible().of_city(city).answer_csv_rows(city)
    return csv_response(f"{city.slug}-answers.csv", ANSWER_CSV_HEADER, rows)
