"""Thin views: fetch with QuerySet methods, check with rules, write with services.

Management pages of a project answer 404 to anyone who may not manage it, so nothing leaks. Pages
with a form check the rule before showing it; posts that only call a service let the service check
(its ``NotAllowed`` is a 404, ``civic.core.permissions``).
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civic.core.forms import add_service_errors, form_page, performed
from civic.core.models import Theme
from civic.core.pagecache import anonymous_page
from civic.core.paginator import CappedPaginator
from civic.core.permissions import NotAllowed
from civic.core.related import sections_about
from civic.organizations.models import Organization
from civic.places.geojson import feature_collection, geojson_response
from civic.places.models import City
from crowdfunding import rules, services
from crowdfunding.forms import (
    CampaignForm,
    FeedbackForm,
    MeetingForm,
    PartnerForm,
    PledgeForm,
    ProjectFilterForm,
    ProjectForm,
    RewardForm,
    TimeNeedForm,
    TimeOfferForm,
    UpdateForm,
)
from crowdfunding.meeting_events import meeting_event_urls
from crowdfunding.models import (
    MANUAL_STAGE_MOVES,
    Campaign,
    CampaignStatus,
    Feedback,
    MeetingProposal,
    MeetingStatus,
    Partner,
    Pledge,
    Project,
    ProjectFollow,
    Stage,
    TimeNeed,
)

logger = logging.getLogger(__name__)
PAGE_SIZE = 24
COUNT_CAP = 480  # 20 pages of projects or campaigns: past that, people narrow the filters
# A holder marks each pledge received, so every pledge of any real campaign must stay reachable.
PLEDGE_PAGE_SIZE = 50
PLEDGE_COUNT_CAP = 10_000


def _project_for_manager(request, pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("city", "current_campaign"), pk=pk)
    if not rules.may_manage_project(request.user, project):
        raise NotAllowed
    return project


def _campaign_for_manager(request, pk: int) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("project", "project__city"), pk=pk)
    if not rules.may_manage_project(request.user, campaign.project):
        raise NotAllowed
    return campaign


def _require_verified(request) -> None:
    if not rules.may_contribute(request.user):
        raise NotAllowed


# --- Lists ---------------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, object]:
    """The filter form and the public projects it lists."""
    form = ProjectFilterForm(request.GET or None)
    return form, form.filter(Project.objects.public())


@anonymous_page("project")
def index(request: HttpRequest) -> HttpResponse:
    """The ideas space: every project at every stage, filtered by stage, city, theme and words."""
    form, projects = _filtered(request)
    page = CappedPaginator(projects.for_list(), PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    current = form.selected()
    query = urlencode([(k, v) for k, v in current.items() if v])
    return render(
        request,
        "crowdfunding/project_list.html",
        {
            "page": page,
            "projects": page.object_list,
            "stages": Stage.choices,
            "cities": City.objects.active(),
            "themes": Theme.objects.active(),
            "form": form,
            "current": current,
            "query": query,
            "MAP_TILE_URL": settings.MAP_TILE_URL,
        },
    )


@anonymous_page("project")
def funding_list(request: HttpRequest) -> HttpResponse:
    """The funding space: open campaigns, the nearest deadline first, with their progress."""
    campaigns = Campaign.objects.open().for_list().order_by("deadline", "id")
    page = CappedPaginator(campaigns, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    return render(request, "crowdfunding/campaign_list.html", {"page": page, "campaigns": page.object_list})


@anonymous_page("project")
def map_feed(request: HttpRequest) -> HttpResponse:
    _form, projects = _filtered(request)
    rows = projects.values("pk", "title_fr", "title_en", "title_es", "stage", "latitude", "longitude")[:500]
    lang = request.LANGUAGE_CODE

    def props(row):
        title = row.get(f"title_{lang}") or row["title_fr"] or row["title_en"] or row["title_es"]
        return {
            "title": title,
            "url": reverse("crowdfunding:project_detail", args=[row["pk"]]),
            "stage": row["stage"],
        }

    return geojson_response(feature_collection(rows, props))


# --- Project pages -------------------------------------------------------------------------


@anonymous_page("project:{pk}")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        Project.objects.public()
        .select_related("city", "holder_member", "holder_organization", "current_campaign")
        .prefetch_related(
            "themes",
            "photos",
            Prefetch("feedback", queryset=Feedback.objects.select_related("author")),
            Prefetch("meetings", queryset=MeetingProposal.objects.select_related("proposed_by")),
            "updates",
        ),
        pk=pk,
    )
    user = request.user
    is_manager = rules.may_manage_project(user, project)
    meetings = list(project.meetings.all())
    accepted = [m for m in meetings if m.status == MeetingStatus.ACCEPTED]
    campaign = project.current_campaign
    context = {
        "project": project,
        "is_manager": is_manager,
        "may_contribute": rules.may_contribute(user),
        "accepted_meetings": accepted,
        "meeting_events": meeting_event_urls(accepted),
        # What other apps say about it (reports of its meetings' events…), without importing them.
        "related_sections": sections_about(
            project, url=request.build_absolute_uri(project.get_absolute_url())
        ),
        "proposed_meetings": [m for m in meetings if m.status == MeetingStatus.PROPOSED]
        if is_manager
        else [],
        "is_following": user.is_authenticated
        and ProjectFollow.objects.filter(project=project, member=user).exists(),
        "feedback_form": FeedbackForm(),
        "campaign": campaign,
        "stage_moves": sorted(MANUAL_STAGE_MOVES.get(project.stage, set())) if is_manager else [],
        "Stage": Stage,
    }
    if campaign is not None:
        context.update(
            {
                "rewards": list(campaign.rewards.all()),
                "time_needs": list(campaign.time_needs.all()),
                "partners": list(Partner.objects.filter(campaign=campaign).select_related("organization")),
                "public_pledges": list(
                    campaign.pledges.counted().filter(is_anonymous=False).select_related("backer")[:12]
                ),
                "my_offers": set(
                    TimeNeed.objects.filter(campaign=campaign, offers__member=user).values_list(
                        "pk", flat=True
                    )
                )
                if user.is_authenticated
                else set(),
                "may_partner": user.is_authenticated and rules.partner_organizations(user, campaign).exists(),
            }
        )
    return render(request, "crowdfunding/project_detail.html", context)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    _require_verified(request)
    organizations = Organization.objects.of_member(request.user).order_by("name")
    form = ProjectForm(
        request.POST or None, request.FILES or None, user=request.user, organizations=organizations
    )

    def create(data):
        holder = None if data["holder"] == "me" else organizations.filter(pk=data["holder"]).first()
        return services.project_create(
            author=request.user,
            holder_organization=holder,
            stage=data["stage"],
            language=request.LANGUAGE_CODE,
            **form.project_data(),
        )

    return form_page(
        request,
        form,
        create,
        template="crowdfunding/project_form.html",
        success=_("Your project is online. Others can now give feedback."),
        redirect_to=lambda project: project,
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for_manager(request, pk)
    initial = {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "city": project.city,
        "themes": project.themes.all(),
        "point": project.point,
    }
    form = ProjectForm(
        request.POST or None, request.FILES or None, user=request.user, editing=True, initial=initial
    )
    return form_page(
        request,
        form,
        lambda data: services.project_edit(project=project, by=request.user, **form.project_data()),
        template="crowdfunding/project_form.html",
        context={"project": project},
        success=_("Project saved."),
        redirect_to=project,
    )


@login_required
@require_POST
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    performed(
        request,
        lambda: services.project_move_stage(project=project, by=request.user, to=request.POST.get("to", "")),
        success=_("Stage updated."),
    )
    return redirect(project)


@login_required
@require_POST
def project_follow(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.public(), pk=pk)
    services.project_follow(project=project, member=request.user, follow=request.POST.get("follow") == "1")
    return redirect(project)


@login_required
@require_POST
def feedback_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_verified(request)
    project = get_object_or_404(Project.objects.public(), pk=pk)
    return form_page(
        request,
        FeedbackForm(request.POST),
        lambda data: services.feedback_create(project=project, author=request.user, **data),
        template="crowdfunding/feedback_form.html",
        context={"project": project},
        success=_("Thank you for your feedback."),
        redirect_to=f"{project.get_absolute_url()}#feedback",
    )


@login_required
def meeting_propose(request: HttpRequest, pk: int) -> HttpResponse:
    _require_verified(request)
    project = get_object_or_404(Project.objects.public().select_related("city"), pk=pk)
    form = MeetingForm(request.POST or None)
    # The date typed is a local time in the project's city: the form is cleaned here, in that zone,
    # and form_page() reuses the result.
    with timezone.override(project.city.timezone):
        form.is_valid()
    return form_page(
        request,
        form,
        lambda data: services.meeting_propose(project=project, member=request.user, **data),
        template="crowdfunding/meeting_form.html",
        context={"project": project},
        success=_("Your meeting proposal was sent to the holder."),
        redirect_to=project,
    )


@login_required
@require_POST
def meeting_decide(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        MeetingProposal.objects.select_related("project"), pk=meeting_pk, project_id=pk
    )
    performed(
        request,
        lambda: services.meeting_decide(
            meeting=meeting, by=request.user, accept=request.POST.get("accept") == "1"
        ),
    )
    return redirect(meeting.project)


@login_required
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for_manager(request, pk)
    return form_page(
        request,
        UpdateForm(request.POST or None),
        lambda data: services.project_post_update(project=project, by=request.user, **data),
        template="crowdfunding/update_form.html",
        context={"project": project},
        success=_("Your news is being sent to backers and followers."),
        redirect_to=project,
    )


# --- Campaigns -----------------------------------------------------------------------------


@login_required
def campaign_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for_manager(request, pk)
    return form_page(
        request,
        CampaignForm(request.POST or None),
        lambda data: services.campaign_open(
            project=project,
            by=request.user,
            goal_cents=data["goal"],
            deadline_day=data["deadline"],
            mode=data["mode"],
        ),
        renamed={"goal_cents": "goal"},
        template="crowdfunding/campaign_form.html",
        context={"project": project},
        success=_("Your campaign is open. Add rewards and time needs if you wish."),
        redirect_to=project,
    )


@login_required
def reward_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_manager(request, pk)
    return form_page(
        request,
        RewardForm(request.POST or None),
        lambda data: services.reward_add(
            campaign=campaign,
            by=request.user,
            title=data["title"],
            min_amount_cents=data["min_amount"],
            quantity=data["quantity"],
            description=data["description"],
        ),
        template="crowdfunding/reward_form.html",
        context={"campaign": campaign, "project": campaign.project},
        redirect_to=campaign,
    )


@login_required
def time_need_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_for_manager(request, pk)
    return form_page(
        request,
        TimeNeedForm(request.POST or None),
        lambda data: services.time_need_add(
            campaign=campaign,
            by=request.user,
            role=data["role"],
            people_wanted=data["people_wanted"],
            day=data["date"],
        ),
        template="crowdfunding/timeneed_form.html",
        context={"campaign": campaign, "project": campaign.project},
        redirect_to=campaign,
    )


@login_required
@require_POST
def campaign_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("project"), pk=pk)
    services.campaign_cancel(campaign=campaign, by=request.user)
    messages.success(request, _("The campaign is cancelled; every pledge is released."))
    return redirect(campaign)


@login_required
def pledge_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's list of pledges, to mark payments received once the campaign is funded."""
    campaign = _campaign_for_manager(request, pk)
    pledges = campaign.pledges.select_related("backer", "reward").order_by("-created_at", "-id")
    page = CappedPaginator(pledges, PLEDGE_PAGE_SIZE, cap=PLEDGE_COUNT_CAP).get_page(request.GET.get("page"))
    return render(
        request,
        "crowdfunding/pledge_manage.html",
        {"campaign": campaign, "project": campaign.project, "page": page, "pledges": page.object_list},
    )


@login_required
@require_POST
def pledge_received(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = get_object_or_404(Pledge, pk=pk)
    performed(
        request,
        lambda: services.pledge_mark_received(pledge=pledge, by=request.user),
        success=_("Payment marked as received; the backer gets a receipt."),
    )
    return redirect("crowdfunding:pledge_manage", pk=pledge.campaign_id)


@login_required
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.select_related("project", "project__city"), pk=pk)
    if not campaign.is_open:
        messages.error(request, _("This campaign is closed: it no longer takes pledges or offers."))
        return redirect(campaign)
    _require_verified(request)
    form = PledgeForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pledge = services.pledge_create(
                campaign=campaign,
                backer=request.user,
                amount_cents=data["amount"],
                reward=data["reward"],
                is_anonymous=data["is_anonymous"],
                message=data["message"],
                gateway=data["gateway"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, renamed={"amount_cents": "amount"})
        else:
            back = request.build_absolute_uri(campaign.get_absolute_url())
            try:
                redirect_url = services.pledge_start_payment(pledge=pledge, success_url=back, cancel_url=back)
            except ValidationError as exc:  # the provider is unreachable: the pledge is marked failed
                add_service_errors(form, exc)
            else:
                if redirect_url:
                    return redirect(redirect_url)
                messages.success(
                    request,
                    _("Thank you! Your pledge of %(amount)s is recorded as a promise.")
                    % {"amount": services.format_money(pledge.amount_cents, pledge.currency)},
                )
                return redirect(campaign)
    return render(
        request,
        "crowdfunding/pledge_form.html",
        {"form": form, "campaign": campaign, "project": campaign.project},
    )


@login_required
def time_offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(TimeNeed.objects.select_related("campaign", "campaign__project"), pk=pk)
    _require_verified(request)
    return form_page(
        request,
        TimeOfferForm(request.POST or None),
        lambda data: services.time_offer_create(need=need, member=request.user, message=data["message"]),
        template="crowdfunding/timeoffer_form.html",
        context={"need": need, "campaign": need.campaign, "project": need.campaign.project},
        success=_("Thank you! The holder counts on you."),
        redirect_to=need.campaign,
    )


@login_required
def partner_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("project").filter(status=CampaignStatus.OPEN), pk=pk
    )
    organizations = rules.partner_organizations(request.user, campaign)
    if not organizations.exists():
        raise NotAllowed
    return form_page(
        request,
        PartnerForm(request.POST or None, organizations=organizations),
        lambda data: services.partner_add(
            campaign=campaign,
            organization=data["organization"],
            by=request.user,
            kind=data["kind"],
            fixed_cents=data.get("fixed") or 0,
            match_cap_per_pledge_cents=data.get("match_cap_per_pledge") or 0,
            match_total_cap_cents=data.get("match_total_cap") or 0,
        ),
        template="crowdfunding/partner_form.html",
        context={"campaign": campaign, "project": campaign.project},
        success=_("Thank you! Your organisation now backs this campaign."),
        redirect_to=campaign,
    )


# --- Payment provider webhooks -------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe calls this. Unsigned, badly signed or stale requests get a 400 and a log line."""
    from crowdfunding.payments.stripe import SignatureError, parse_event, verify_signature

    payload = request.body
    try:
        verify_signature(payload, request.headers.get("Stripe-Signature"), settings.STRIPE_WEBHOOK_SECRET)
        event = parse_event(payload)
    except (SignatureError, ValueError, json.JSONDecodeError) as exc:
        logger.warning("stripe webhook refused: %s", exc)
        return HttpResponseBadRequest("invalid webhook")
    outcome = services.stripe_event_handle(event)
    logger.info("stripe webhook %s (%s): %s", event["id"], event["type"], outcome)
    return HttpResponse(outcome, content_type="text/plain")
