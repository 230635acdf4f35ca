"""Every write of the participation spaces: atomic, validated with ``full_clean()``, counters kept
exact with ``F()``, permissions checked with ``participation.rules``, audited with ``log_action``.

Services raise ``NotAllowed`` (``civic.core.permissions``, a 404) when the actor may not act at all,
and ``ValidationError`` with a readable message for bad input.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civic.core import follows, outbox
from civic.core.permissions import NotAllowed
from civic.core.photos import attach_photo
from civic.core.ratelimit import RateLimited, rate_limit  # noqa: F401 (RateLimited: callers catch it here)
from civic.core.services import log_action, update_logged
from participation import rules
from participation.models import (
    ANSWER_STATUSES,
    FLAGS_TO_HIDE,
    Answer,
    AnswerRevision,
    CallForParticipation,
    CallResponse,
    CityParticipant,
    CitySpace,
    Comment,
    Flag,
    Neighbourhood,
    Proposal,
    ProposalFollow,
    ProposalPhoto,
    Support,
    SupportDay,
)

AUTO_HIDE_REASON = "auto"


# --- Rate limits (civic.core.ratelimit: counted in PostgreSQL with the write) -------------------


def _rate_limit(kind: str, member) -> None:
    """Count this publication inside its transaction (a failed one does not count) or refuse it."""
    if kind == "proposal":
        limit = settings.PARTICIPATION_PROPOSALS_PER_HOUR
        message = _(
            "You have published %(limit)d proposals in the last hour. Please wait a little before the next one."
        )
    else:
        limit = settings.PARTICIPATION_COMMENTS_PER_HOUR
        message = _(
            "You have posted %(limit)d comments in the last hour. Please wait a little before the next one."
        )
    rate_limit(
        member=member,
        action=f"participation.{kind}",
        limit=limit,
        window=datetime.timedelta(hours=1),
        message=message,
    )


# --- Dashboard counters -----------------------------------------------------------------------


def _participant(city_id: int, member_id: int) -> None:
    CityParticipant.objects.bulk_create(
        [CityParticipant(city_id=city_id, member_id=member_id)], ignore_conflicts=True
    )


def _count_support_day(city_id: int, day: datetime.date, delta: int) -> None:
    # INSERT … ON CONFLICT DO UPDATE: the first support of a day may be given twice at once.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO participation_supportday (city_id, day, count) VALUES (%s, %s, %s) "
            "ON CONFLICT (city_id, day) DO UPDATE SET count = participation_supportday.count + EXCLUDED.count",
            [city_id, day, delta],
        )


@transaction.atomic
def stats_rebuild(*, city) -> None:
    """Recompute a city's participants and supports per day from the rows (demo and bench data
    are written without the services)."""
    CityParticipant.objects.filter(city=city).delete()
    SupportDay.objects.filter(city=city).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO participation_cityparticipant (city_id, member_id, created_at) "
            "SELECT %s, m, now() FROM ("
            " SELECT author_id AS m FROM participation_proposal WHERE city_id = %s AND author_id IS NOT NULL"
            " UNION SELECT s.member_id FROM participation_support s"
            "  JOIN participation_proposal p ON p.id = s.proposal_id WHERE p.city_id = %s"
            " UNION SELECT c.author_id FROM participation_comment c"
            "  JOIN participation_proposal p ON p.id = c.proposal_id WHERE p.city_id = %s AND c.author_id IS NOT NULL"
            ") AS people",
            [city.pk, city.pk, city.pk, city.pk],
        )
        cursor.execute(
            "INSERT INTO participation_supportday (city_id, day, count) "
            "SELECT %s, (s.created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM participation_support s"
            " JOIN participation_proposal p ON p.id = s.proposal_id WHERE p.city_id = %s GROUP BY 2",
            [city.pk, city.pk],
        )


# --- Spaces and neighbourhoods -----------------------------------------------------------------


def space_get_or_create(*, city, support_threshold: int = 100) -> CitySpace:
    space, _created = CitySpace.objects.get_or_create(
        city=city, defaults={"support_threshold": support_threshold}
    )
    return space


@transaction.atomic
def space_update(*, space: CitySpace, by, support_threshold: int, **intros: str) -> CitySpace:
    """Change the threshold (and intro_<lang>); proposals already over a lowered threshold enter the queue."""
    if not rules.may_manage_city(by, space.city):
        raise NotAllowed
    space.support_threshold = support_threshold
    for key, value in intros.items():
        if key.startswith("intro_"):
            setattr(space, key, value)
    space.full_clean()
    space.save()
    Proposal.objects.filter(
        city_id=space.city_id, threshold_reached_at__isnull=True, supports_count__gte=space.support_threshold
    ).update(threshold_reached_at=timezone.now())
    log_action("participation.space.updated", target=space, actor=by, data={"threshold": support_threshold})
    return space


@transaction.atomic
def neighbourhood_create(*, city, by, **names: str) -> Neighbourhood:
    if not rules.may_manage_city(by, city):
        raise NotAllowed
    if not any((v or "").strip() for v in names.values()):
        raise ValidationError({"name_fr": _("Give the neighbourhood a name in at least one language.")})
    hood = Neighbourhood(city=city, **{k: (v or "").strip() for k, v in names.items()})
    hood.full_clean()
    hood.save()
    log_action("participation.neighbourhood.created", target=hood, actor=by)
    return hood


@transaction.atomic
def neighbourhood_delete(*, neighbourhood: Neighbourhood, by) -> None:
    if not rules.may_manage_city(by, neighbourhood.city):
        raise NotAllowed
    log_action(
        "participation.neighbourhood.deleted",
        target=neighbourhood,
        actor=by,
        data={"name": neighbourhood.name},
    )
    neighbourhood.delete()  # proposals keep their city; their neighbourhood becomes empty (SET_NULL)


# --- Proposals ---------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    author,
    city,
    title: str,
    text: str,
    theme,
    neighbourhood: Neighbourhood | None = None,
    point: dict | None = None,
    photo=None,
    photo_alt: str = "",
    language: str | None = None,
) -> Proposal:
    if not rules.may_publish(author):
        raise NotAllowed
    if not CitySpace.objects.filter(city=city, is_active=True).exists():
        raise ValidationError(_("This city has no open participation space."))
    _rate_limit("proposal", author)
    proposal = Proposal(
        author=author,
        city=city,
        title=(title or "").strip(),
        text=text or "",
        theme=theme,
        neighbourhood=neighbourhood,
        point=point or None,
        language=language or translation.get_language() or "fr",
    )
    proposal.sync_coordinates()
    proposal.full_clean()
    proposal.save()
    if photo:
        attach_photo(ProposalPhoto, file=photo, alt=photo_alt, proposal=proposal)
    follows.follow(ProposalFollow, member=author, target=proposal)
    _participant(city.pk, author.pk)
    log_action("participation.proposal.created", target=proposal, actor=author)
    return proposal


def _threshold_of(proposal: Proposal) -> int:
    return (
        CitySpace.objects.filter(city_id=proposal.city_id).values_list("support_threshold", flat=True).first()
        or 0
    )


@transaction.atomic
def proposal_support(*, proposal: Proposal, member) -> bool:
    """Support once (a unique constraint makes a second or parallel support a no-op).

    Returns True when a support was added. Crossing the city's threshold marks the proposal
    (a conditional UPDATE, so exactly one transaction wins) and enqueues one notification task.
    """
    if not rules.is_verified(member):
        raise NotAllowed
    if proposal.is_hidden:
        raise ValidationError(
            _("This proposal is hidden by moderation: it cannot be supported until it is restored.")
        )
    try:
        with transaction.atomic():
            support = Support.objects.create(proposal=proposal, member=member)
    except IntegrityError:
        return False
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
    _count_support_day(proposal.city_id, _utc_day(support.created_at), 1)
    _participant(proposal.city_id, member.pk)
    threshold = _threshold_of(proposal)
    crossed = Proposal.objects.filter(
        pk=proposal.pk, threshold_reached_at__isnull=True, supports_count__gte=max(threshold, 1)
    ).update(threshold_reached_at=timezone.now())
    if crossed and threshold:
        from participation.tasks import notify_threshold_reached

        outbox.enqueue(notify_threshold_reached, proposal.pk)
    return True


@transaction.atomic
def support_withdraw(*, proposal: Proposal, member) -> bool:
    support = Support.objects.select_for_update().filter(proposal=proposal, member=member).first()
    if support is None:
        return False
    deleted, _detail = Support.objects.filter(pk=support.pk).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") - 1)
        SupportDay.objects.filter(city_id=proposal.city_id, day=_utc_day(support.created_at)).update(
            count=F("count") - 1
        )
    return bool(deleted)


def _utc_day(moment) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def proposal_follow(*, proposal: Proposal, member) -> bool:
    """Follow; False when already following (``civic.core.follows``)."""
    if not member.is_authenticated or proposal.is_hidden:
        raise NotAllowed
    return follows.follow(ProposalFollow, member=member, target=proposal)


def proposal_unfollow(*, proposal: Proposal, member) -> bool:
    return follows.unfollow(ProposalFollow, member=member, target=proposal)


# --- Comments ----------------------------------------------------------------------------------


@transaction.atomic
def comment_create(*, proposal: Proposal, author, text: str, parent: Comment | None = None) -> Comment:
    if not rules.is_verified(author):
        raise NotAllowed
    if proposal.is_hidden:
        raise ValidationError(
            _("This proposal is hidden by moderation: comments are closed until it is restored.")
        )
    if parent is not None:
        if parent.proposal_id != proposal.pk or not parent.counts:
            raise ValidationError({"parent": _("You can only reply to a visible comment of this proposal.")})
        if parent.parent_id is not None:
            raise ValidationError(
                {"parent": _("Replies go one level deep: reply to the first comment of the thread.")}
            )
    _rate_limit("comment", author)
    comment = Comment(proposal=proposal, author=author, text=(text or "").strip(), parent=parent)
    comment.full_clean()
    comment.save()
    Proposal.objects.filter(pk=proposal.pk).update(comments_count=F("comments_count") + 1)
    follows.follow(ProposalFollow, member=author, target=proposal)
    _participant(proposal.city_id, author.pk)
    log_action("participation.comment.created", target=comment, actor=author)
    from participation.tasks import notify_new_comment

    outbox.enqueue(notify_new_comment, comment.pk)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, member, text: str) -> Comment:
    if comment.author_id != getattr(member, "pk", None):
        raise NotAllowed
    if not rules.may_edit_comment(member, comment):
        raise ValidationError(_("A comment can only be edited during the 15 minutes after it is posted."))
    values = {"text": (text or "").strip(), "edited_at": timezone.now()}
    return update_logged(comment, "participation.comment.edited", actor=member, values=values, clean=True)


@transaction.atomic
def comment_delete(*, comment: Comment, member) -> None:
    """The author removes their comment: its text goes, the thread's replies stay."""
    if not rules.may_delete_comment(member, comment):
        raise NotAllowed
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_deleted:
        return
    if comment.counts:
        Proposal.objects.filter(pk=comment.proposal_id).update(comments_count=F("comments_count") - 1)
    comment.is_deleted = True
    comment.text = ""
    comment.save(update_fields=["is_deleted", "text"])
    log_action("participation.comment.deleted", target=comment, actor=member)


# --- Answers -----------------------------------------------------------------------------------


@transaction.atomic
def proposal_answer(
    *,
    proposal: Proposal,
    official,
    status: str,
    text: str,
    cost_cents: int | None = None,
    planned_date: datetime.date | None = None,
) -> Answer:
    """Publish or edit the city's answer; every version is kept as an ``AnswerRevision``."""
    from civic.organizations.models import Organization

    if not rules.may_answer(official, proposal.city):
        raise NotAllowed
    if status not in dict(ANSWER_STATUSES):
        raise ValidationError({"status": _("Choose one of the statuses in the list.")})
    if cost_cents is not None and cost_cents < 0:
        raise ValidationError({"cost_cents": _("A cost cannot be negative.")})
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    organization = (
        Organization.objects.public_bodies_of(proposal.city).filter(memberships__user=official).first()
    )
    answer = Answer.objects.filter(proposal=proposal).first() or Answer(proposal=proposal)
    answer.organization = organization
    answer.author = official
    answer.status = status
    answer.text = (text or "").strip()
    answer.cost_cents = cost_cents
    answer.planned_date = planned_date
    answer.full_clean()
    is_new = answer.pk is None
    answer.save()
    revision = AnswerRevision.objects.create(
        answer=answer,
        author=official,
        status=status,
        text=answer.text,
        cost_cents=cost_cents,
        planned_date=planned_date,
    )
    proposal.status = status
    proposal.answered_at = proposal.answered_at or timezone.now()
    proposal.save(update_fields=["status", "answered_at", "updated_at"])
    log_action(
        "participation.answer.published" if is_new else "participation.answer.edited",
        target=proposal,
        actor=official,
        data={"status": status, "revision": revision.pk},
    )
    from participation.tasks import notify_answer

    outbox.enqueue(notify_answer, revision.pk)
    return answer


# --- Flags and moderation ----------------------------------------------------------------------


def _target_city(target):
    return target.city if isinstance(target, Proposal) else target.proposal.city


def _set_hidden(target, *, hidden: bool, by, reason: str, review_pending: bool) -> bool:
    """Flip ``is_hidden`` with a conditional UPDATE (so a comment's counter moves exactly once)."""
    model = type(target)
    changed = model.objects.filter(pk=target.pk, is_hidden=not hidden).update(
        is_hidden=hidden,
        review_pending=review_pending,
        moderation_reason=reason[:300],
        moderated_by=by if by is not None and by.is_authenticated else None,
        moderated_at=timezone.now(),
    )
    if not changed:
        model.objects.filter(pk=target.pk).update(
            review_pending=review_pending, moderation_reason=reason[:300]
        )
    if changed and isinstance(target, Comment) and not target.is_deleted:
        delta = -1 if hidden else 1
        Proposal.objects.filter(pk=target.proposal_id).update(comments_count=F("comments_count") + delta)
    target.refresh_from_db()
    return bool(changed)


@transaction.atomic
def flag_create(
    *,
    member,
    reason: str,
    details: str = "",
    proposal: Proposal | None = None,
    comment: Comment | None = None,
) -> Flag:
    """Report content; the third distinct member's flag hides it until a moderator reviews it."""
    if not rules.is_verified(member):
        raise NotAllowed
    target = proposal or comment
    if target is None or (proposal is not None and comment is not None):
        raise ValidationError(_("Flag either a proposal or a comment."))
    if target.is_hidden:
        raise ValidationError(_("This content is already hidden and awaiting review."))
    if target.author_id == member.pk:
        raise ValidationError(_("You cannot flag your own contribution."))
    flag = Flag(
        member=member, reason=reason, details=(details or "").strip(), proposal=proposal, comment=comment
    )
    flag.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("You have already flagged this.")) from None
    open_flags = Flag.objects.filter(
        Q(proposal=target) if proposal is not None else Q(comment=target), resolved_at__isnull=True
    )
    if open_flags.values("member").distinct().count() >= FLAGS_TO_HIDE:
        _set_hidden(target, hidden=True, by=None, reason=AUTO_HIDE_REASON, review_pending=True)
        log_action("participation.content.auto_hidden", target=target, data={"flags": FLAGS_TO_HIDE})
    return flag


def _resolve_flags(target) -> None:
    field = "proposal" if isinstance(target, Proposal) else "comment"
    Flag.objects.filter(**{field: target}, resolved_at__isnull=True).update(resolved_at=timezone.now())


@transaction.atomic
def content_hide(*, target: Proposal | Comment, moderator, reason: str) -> None:
    if not rules.may_manage_city(moderator, _target_city(target)):
        raise NotAllowed
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the author will read it.")})
    _set_hidden(target, hidden=True, by=moderator, reason=reason, review_pending=False)
    _resolve_flags(target)
    log_action("participation.content.hidden", target=target, actor=moderator, data={"reason": reason})
    _notify_author_of_moderation(target, "hidden", reason)


@transaction.atomic
def content_restore(*, target: Proposal | Comment, moderator, reason: str = "") -> None:
    if not rules.may_manage_city(moderator, _target_city(target)):
        raise NotAllowed
    reason = (reason or "").strip()
    _set_hidden(target, hidden=False, by=moderator, reason=reason, review_pending=False)
    _resolve_flags(target)
    log_action("participation.content.restored", target=target, actor=moderator, data={"reason": reason})
    _notify_author_of_moderation(target, "restored", reason)


def _notify_author_of_moderation(target, event: str, reason: str) -> None:
    from civic.notifications.services import notify

    proposal = target if isinstance(target, Proposal) else target.proposal
    if target.author is None:
        return
    notify(
        target.author,
        f"participation.{event}",
        {
            "proposal_title": proposal.title,
            "is_comment": isinstance(target, Comment),
            "reason": reason,
        },
        url=proposal.get_absolute_url,  # called in the author's language: their /es/… page
    )


# --- Calls for participation -------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    city,
    organization,
    by,
    title: str,
    description: str,
    ends_on: datetime.date | None = None,
    language: str | None = None,
) -> CallForParticipation:
    """Publish a call; it is written in ``language`` (by default the language the organiser uses)."""
    from civic.organizations.rules import is_editor, organization_ids_of

    if not (is_editor(by) or organization.pk in organization_ids_of(by)):
        raise NotAllowed
    if organization.city_id != city.pk:
        raise ValidationError({"organization": _("This organisation is not in %(city)s.") % {"city": city}})
    call = CallForParticipation(
        city=city,
        organization=organization,
        created_by=by,
        title=title.strip(),
        description=description,
        ends_on=ends_on,
        language=language or translation.get_language() or "fr",
    )
    call.full_clean()
    call.save()
    log_action("participation.call.created", target=call, actor=by)
    return call


@transaction.atomic
def call_respond(
    *, call: CallForParticipation, member, message: str = "", consent_to_share: bool = False
) -> CallResponse:
    if not rules.is_verified(member):
        raise NotAllowed
    if not CallForParticipation.objects.open().filter(pk=call.pk).exists():
        raise ValidationError(_("This call for participation is closed."))
    response = CallResponse(
        call=call, member=member, message=(message or "").strip(), consent_to_share=consent_to_share
    )
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(_("You have already answered this call.")) from None
    CallForParticipation.objects.filter(pk=call.pk).update(responses_count=F("responses_count") + 1)
    return response


# --- Member data (GDPR export and erasure) -----------------------------------------------------


def member_export(member) -> dict:
    """The member's participation data for ``civic.accounts.services.member_export``."""
    return {
        "proposals": list(
            Proposal.objects.filter(author=member).values(
                "id", "city__slug", "title", "text", "status", "created_at"
            )
        ),
        "comments": list(
            Comment.objects.filter(author=member, is_deleted=False).values(
                "proposal_id", "text", "created_at"
            )
        ),
        "supports": list(Support.objects.filter(member=member).values("proposal_id", "created_at")),
        "follows": list(ProposalFollow.objects.filter(member=member).values_list("proposal_id", flat=True)),
        "flags": list(
            Flag.objects.filter(member=member).values("proposal_id", "comment_id", "reason", "details")
        ),
        "call_responses": list(
            CallResponse.objects.filter(member=member).values(
                "call__title", "message", "consent_to_share", "created_at"
            )
        ),
    }


def member_erase(member) -> None:
    """On account erasure: contact-sharing answers to calls and follows go; proposals, comments and
    supports stay, signed "former member" (their counts stay exact)."""
    for call_id in CallResponse.objects.filter(member=member).values_list("call_id", flat=True):
        CallForParticipation.objects.filter(pk=call_id).update(responses_count=F("responses_count") - 1)
    CallResponse.objects.filter(member=member).delete()
    ProposalFollow.objects.filter(member=member).delete()
    Flag.objects.filter(member=member).update(details="")
