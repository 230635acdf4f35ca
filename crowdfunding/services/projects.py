"""Projects at every stage: creation, edits, stages, holders, feedback, meetings, follows."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civic.core import follows
from civic.core.permissions import NotAllowed
from civic.core.photos import attach_photo
from civic.core.services import log_action
from civic.notifications.services import notify
from crowdfunding import rules
from crowdfunding.meeting_events import meeting_event_create
from crowdfunding.models import (
    CREATABLE_STAGES,
    MANUAL_STAGE_MOVES,
    Feedback,
    MeetingProposal,
    MeetingStatus,
    Project,
    ProjectFollow,
    ProjectPhoto,
    Stage,
)

LANGS = [code for code, _name in settings.LANGUAGES]


# --- Projects ------------------------------------------------------------------------------


def _set_text(obj, field: str, value: str, language: str) -> None:
    """Write user text into the author's language column (modeltranslation falls back for the others)."""
    setattr(obj, f"{field}_{language}", value)


def _add_photo(project: Project, photo, alt: str) -> ProjectPhoto:
    return attach_photo(ProjectPhoto, file=photo, alt=alt or project.title, project=project)


@transaction.atomic
def project_create(
    *,
    author,
    title: str,
    city,
    summary: str = "",
    description: str = "",
    holder_organization=None,
    themes=(),
    stage: str = Stage.IDEA,
    point: dict | None = None,
    language: str | None = None,
    photo=None,
    photo_alt: str = "",
) -> Project:
    if not rules.may_contribute(author):
        raise NotAllowed
    if holder_organization is not None and holder_organization.pk not in rules.organization_ids_of(author):
        raise NotAllowed
    if stage not in CREATABLE_STAGES:
        raise ValidationError({"stage": _("A project is posted as an idea, in preparation or completed.")})
    language = language if language in LANGS else (author.language or "fr")
    project = Project(
        city=city,
        holder_member=None if holder_organization else author,
        holder_organization=holder_organization,
        created_by=author,
        stage=stage,
        point=point or (city.point if city else None),
        language=language,
    )
    _set_text(project, "title", title, language)
    _set_text(project, "summary", summary, language)
    _set_text(project, "description", description, language)
    project.full_clean()
    project.save()
    project.themes.set(themes)
    if photo:
        _add_photo(project, photo, photo_alt)
    log_action("crowdfunding.project.created", target=project, actor=author, data={"stage": stage})
    return project


@transaction.atomic
def project_edit(
    *,
    project: Project,
    by,
    title: str,
    summary: str,
    description: str,
    city,
    themes=(),
    point: dict | None = None,
    photo=None,
    photo_alt: str = "",
) -> Project:
    if not rules.may_manage_project(by, project):
        raise NotAllowed
    lang = project.language
    _set_text(project, "title", title, lang)
    _set_text(project, "summary", summary, lang)
    _set_text(project, "description", description, lang)
    project.city = city
    if point:
        project.point = point
    project.full_clean()
    project.save()
    project.themes.set(themes)
    if photo:
        _add_photo(project, photo, photo_alt)
    log_action("crowdfunding.project.edited", target=project, actor=by)
    return project


@transaction.atomic
def project_move_stage(*, project: Project, by, to: str) -> Project:
    """Move a project by hand along ``MANUAL_STAGE_MOVES`` (holder or editor only)."""
    if not rules.may_manage_project(by, project):
        raise NotAllowed
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to not in MANUAL_STAGE_MOVES.get(project.stage, set()):
        raise ValidationError(
            _("A project cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Stage(project.stage).label, "to": Stage(to).label if to in Stage.values else to}
        )
    old = project.stage
    project.stage = to
    project.save(update_fields=["stage", "updated_at"])
    log_action("crowdfunding.project.stage", target=project, actor=by, data={"from": old, "to": to})
    return project


@transaction.atomic
def project_holder_set(*, project: Project, member) -> Project:
    """``member`` becomes the project's holder (one holder: the organisation steps back). Called
    when they accept the invitation the admin sent; nobody is made a holder without it."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.holder_member = member
    project.holder_organization = None
    project.save(update_fields=["holder_member", "holder_organization", "updated_at"])
    log_action("crowdfunding.project.holder", target=project, actor=member, data={"member": member.pk})
    return project


def holder_members(project: Project) -> list:
    """The members who hold ``project`` (its member, or its organisation's members): one query."""
    from civic.accounts.models import User

    if project.holder_member_id:
        return list(User.objects.filter(pk=project.holder_member_id))
    return list(User.objects.filter(memberships__organization_id=project.holder_organization_id))


@transaction.atomic
def feedback_create(*, project: Project, author, kind: str, body: str) -> Feedback:
    if not rules.may_contribute(author):
        raise NotAllowed
    feedback = Feedback(project=project, author=author, kind=kind, body=(body or "").strip())
    feedback.full_clean()
    feedback.save()
    Project.objects.filter(pk=project.pk).update(feedback_count=F("feedback_count") + 1)
    log_action("crowdfunding.feedback.created", target=project, actor=author, data={"feedback": feedback.pk})
    for member in holder_members(project):
        if member.pk != author.pk:
            notify(
                member,
                "crowdfunding.feedback_received",
                {
                    "project": lambda: project.title,
                    "kind": feedback.get_kind_display,
                    "author": author.public_name,
                },
                url=project.get_absolute_url,
            )
    return feedback


@transaction.atomic
def meeting_propose(
    *, project: Project, member, starts_at: datetime, place: str, purpose: str
) -> MeetingProposal:
    if not rules.may_contribute(member):
        raise NotAllowed
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Propose a date in the future.")})
    meeting = MeetingProposal(
        project=project, proposed_by=member, starts_at=starts_at, place=place, purpose=purpose
    )
    meeting.full_clean()
    meeting.save()
    log_action("crowdfunding.meeting.proposed", target=project, actor=member, data={"meeting": meeting.pk})
    for holder in holder_members(project):
        if holder.pk != member.pk:
            notify(
                holder,
                "crowdfunding.meeting_proposed",
                {"project": lambda: project.title, "purpose": purpose, "author": member.public_name},
                url=project.get_absolute_url,
            )
    return meeting


@transaction.atomic
def meeting_decide(*, meeting: MeetingProposal, by, accept: bool) -> MeetingProposal:
    meeting = MeetingProposal.objects.select_for_update().select_related("project").get(pk=meeting.pk)
    if not rules.may_manage_project(by, meeting.project):
        raise NotAllowed
    if meeting.status != MeetingStatus.PROPOSED:
        raise ValidationError(_("This meeting proposal has already been answered."))
    meeting.status = MeetingStatus.ACCEPTED if accept else MeetingStatus.DECLINED
    meeting.decided_by, meeting.decided_at = by, timezone.now()
    meeting.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        # The meeting row is locked and was still "proposed": one event, even for two clicks.
        meeting_event_create(meeting=meeting, by=by)
    log_action(
        f"crowdfunding.meeting.{meeting.status}",
        target=meeting.project,
        actor=by,
        data={"meeting": meeting.pk},
    )
    notify(
        meeting.proposed_by,
        "crowdfunding.meeting_decided",
        {"project": lambda: meeting.project.title, "purpose": meeting.purpose, "accepted": accept},
        url=meeting.project.get_absolute_url,
    )
    return meeting


def project_follow(*, project: Project, member, follow: bool = True) -> bool:
    """Follow (or unfollow) a project; returns whether anything changed. Safe against double clicks
    and races (``civic.core.follows``: the row decides, the counter follows)."""
    if not member.is_authenticated:
        raise NotAllowed
    if follow:
        return follows.follow(ProjectFollow, member=member, target=project)
    return follows.unfollow(ProjectFollow, member=member, target=project)
