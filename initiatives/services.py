"""Writes on the catalogue. Each service runs in one transaction, checks permissions with
``initiatives.rules``, calls ``full_clean()`` before saving, and logs what moved (``log_action``).
Notifications are sent with ``notify()`` (stored now, emailed by Celery after commit)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civic.core import follows
from civic.core.permissions import NotAllowed
from civic.core.photos import attach_photo
from civic.core.ratelimit import rate_limit
from civic.core.services import log_action
from civic.notifications.services import notify
from initiatives import rules
from initiatives.models import (
    ContactMessage,
    Initiative,
    InitiativeFollow,
    InitiativePhoto,
    Portrait,
    PracticalTip,
    ReplicationIntent,
    Reviewed,
    Status,
    VideoReport,
)

REPORT_MODELS = {"portrait": Portrait, "tip": PracticalTip, "video": VideoReport}


def _label(obj: Reviewed) -> str:
    return obj._meta.model_name


def _url(obj: Reviewed) -> str:
    initiative = obj if isinstance(obj, Initiative) else obj.initiative
    return initiative.get_absolute_url()


@transaction.atomic
def initiative_create(*, spotter, data: dict, themes, photos=()) -> Initiative:
    """A new draft by ``spotter``. ``data`` holds model fields (title/summary/story go to the
    active language's columns); ``photos`` is a list of ``(upload, alt)``."""
    if not rules.may_add_initiative(spotter):
        raise NotAllowed
    initiative = Initiative(spotter=spotter, status=Status.DRAFT)
    for field, value in data.items():
        setattr(initiative, field, value)
    initiative.full_clean(exclude=["themes"])
    initiative.save()
    initiative.themes.set(themes)
    for upload, alt in photos:
        photo_add(initiative=initiative, upload=upload, alt=alt, by=spotter)
    log_action("initiatives.initiative.created", target=initiative, actor=spotter)
    return initiative


@transaction.atomic
def initiative_update(*, initiative: Initiative, by, data: dict, themes=None, photos=()) -> Initiative:
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if not rules.may_edit(by, initiative):
        raise NotAllowed
    for field, value in data.items():
        setattr(initiative, field, value)
    initiative.full_clean(exclude=["themes"])
    initiative.save()
    if themes is not None:
        initiative.themes.set(themes)
    for upload, alt in photos:
        photo_add(initiative=initiative, upload=upload, alt=alt, by=by)
    log_action("initiatives.initiative.edited", target=initiative, actor=by, data={"fields": sorted(data)})
    return initiative


def photo_add(*, initiative: Initiative, upload, alt: str, by=None) -> InitiativePhoto:
    """Store a re-encoded copy (EXIF/GPS stripped) and its thumbnail, generated once here."""
    return attach_photo(InitiativePhoto, file=upload, alt=alt, initiative=initiative)


# --- Review workflow (initiatives and reports alike) -------------------------------------------


def _locked(obj: Reviewed) -> Reviewed:
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _move(obj: Reviewed, *, to: str, by, comment: str = "", event: str) -> Reviewed:
    before = obj.status
    now = timezone.now()
    obj.status = to
    fields = ["status", "updated_at"]
    if to == Status.IN_REVIEW:
        obj.submitted_at = now
        fields.append("submitted_at")
    if to == Status.PUBLISHED:
        obj.published_at = obj.published_at or now
        obj.editor_comment = ""
        fields += ["published_at", "editor_comment"]
    if to in (Status.SENT_BACK, Status.REJECTED):
        obj.editor_comment = comment
        fields.append("editor_comment")
    obj.save(update_fields=fields)
    log_action(
        f"initiatives.{_label(obj)}.{event}",
        target=obj,
        actor=by,
        data={"from": before, "to": to, "comment": comment},
    )
    return obj


def _notify_owner(obj: Reviewed, event: str) -> None:
    owner = obj.spotter if isinstance(obj, Initiative) else obj.author
    if owner is None:
        return
    initiative = obj if isinstance(obj, Initiative) else obj.initiative
    with translation.override(owner.language or "fr"):
        # Texts in the recipient's language (with fallback), like the rest of the notification.
        context = {
            "kind": str(obj._meta.verbose_name),
            "title": str(obj),
            "initiative_title": initiative.title,
            "comment": obj.editor_comment,
        }
        url = _url(obj)
    notify(owner, f"initiatives.{event}", context, url=url)


@transaction.atomic
def review_submit(*, obj: Reviewed, by) -> Reviewed:
    """The author sends a draft (or what was sent back) to the editors."""
    obj = _locked(obj)
    if not rules.may_submit(by, obj):
        raise NotAllowed
    obj.full_clean()
    _move(obj, to=Status.IN_REVIEW, by=by, event="submitted")
    _notify_owner(obj, "submitted")
    return obj


@transaction.atomic
def review_publish(*, obj: Reviewed, by) -> Reviewed:
    obj = _locked(obj)
    if not rules.may_review(by, obj):
        raise NotAllowed
    _move(obj, to=Status.PUBLISHED, by=by, event="published")
    _notify_owner(obj, "published")
    return obj


@transaction.atomic
def review_send_back(*, obj: Reviewed, by, comment: str) -> Reviewed:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": ValidationError("Say what to change.", code="required")})
    obj = _locked(obj)
    if not rules.may_review(by, obj):
        raise NotAllowed
    _move(obj, to=Status.SENT_BACK, by=by, comment=comment, event="sent_back")
    _notify_owner(obj, "sent_back")
    return obj


@transaction.atomic
def review_reject(*, obj: Reviewed, by, comment: str = "") -> Reviewed:
    obj = _locked(obj)
    if not rules.may_review(by, obj):
        raise NotAllowed
    _move(obj, to=Status.REJECTED, by=by, comment=(comment or "").strip(), event="rejected")
    _notify_owner(obj, "rejected")
    return obj


@transaction.atomic
def initiative_feature(*, initiative: Initiative, by, featured: bool) -> Initiative:
    if not rules.may_feature(by):
        raise NotAllowed
    Initiative.objects.filter(pk=initiative.pk).update(featured=featured)
    initiative.featured = featured
    log_action(
        "initiatives.initiative.featured" if featured else "initiatives.initiative.unfeatured",
        target=initiative,
        actor=by,
    )
    return initiative


@transaction.atomic
def report_create(*, kind: str, initiative: Initiative, author, data: dict) -> Reviewed:
    """A portrait, tip or video report by a reporter on a published initiative (starts as a draft)."""
    if not rules.may_add_report(author, initiative):
        raise NotAllowed
    report = REPORT_MODELS[kind](initiative=initiative, author=author, status=Status.DRAFT, **data)
    report.full_clean()
    report.save()
    log_action(f"initiatives.{_label(report)}.created", target=report, actor=author)
    return report


# --- What visitors do on a published initiative ------------------------------------------------


def _require_member_on_published(member, initiative: Initiative) -> None:
    if not rules.may_act_on(member, initiative):
        raise NotAllowed


def follow_create(*, initiative: Initiative, member) -> bool:
    """Follow; False when already following (``civic.core.follows``: the row decides, the counter follows)."""
    _require_member_on_published(member, initiative)
    return follows.follow(InitiativeFollow, member=member, target=initiative)


def follow_delete(*, initiative: Initiative, member) -> bool:
    return follows.unfollow(InitiativeFollow, member=member, target=initiative)


def replication_create(
    *, initiative: Initiative, member, city, message: str = ""
) -> ReplicationIntent | None:
    """ "I want to start this in my city". One per member and initiative (None the second time);
    the denormalised ``replication_count`` moves in the same transaction as the row."""
    _require_member_on_published(member, initiative)
    intent = ReplicationIntent(initiative=initiative, member=member, city=city, message=message.strip())
    intent.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            intent.save()
            Initiative.objects.filter(pk=initiative.pk).update(replication_count=F("replication_count") + 1)
            log_action("initiatives.initiative.replication_intent", target=initiative, actor=member)
            spotter = initiative.spotter
            if spotter is not None and spotter.pk != member.pk:
                with translation.override(spotter.language or "fr"):
                    context = {"title": initiative.title, "member": member.public_name, "city": city.name}
                    url = initiative.get_absolute_url()
                notify(spotter, "initiatives.replication", context, url=url)
    except IntegrityError:
        return None
    return intent


@transaction.atomic
def contact_team(*, initiative: Initiative, sender, body: str) -> ContactMessage:
    """Relay ``body`` to the team (the spotter) by notification. The sender's email is never put
    in it: the team answers through the sender's public profile page."""
    _require_member_on_published(sender, initiative)
    rate_limit(
        member=sender,
        action="initiatives.contact",
        limit=settings.INITIATIVES_CONTACTS_PER_HOUR,
        window=timedelta(hours=1),
        message=_(
            "You have sent %(limit)d messages in the last hour. Please wait a little before the next one."
        ),
        field="body",
    )
    message = ContactMessage(initiative=initiative, sender=sender, body=body.strip())
    message.full_clean()
    message.save()
    spotter = initiative.spotter
    if spotter is not None and spotter.pk != sender.pk:
        with translation.override(spotter.language or "fr"):
            context = {
                "title": initiative.title,
                "sender": sender.public_name,
                "body": message.body,
                "profile_url": settings.SITE_URL.rstrip("/")
                + reverse("accounts:member_detail", args=[sender.pk]),
            }
            url = initiative.get_absolute_url()
        notify(spotter, "initiatives.contact", context, url=url)
    log_action("initiatives.initiative.contacted", target=initiative, actor=sender)
    return message


# --- Member data (GDPR export and erasure), registered in InitiativesConfig.ready() --------------


def member_export(member) -> dict:
    """What the catalogue holds about ``member``: contributions, follows, wishes and messages."""

    def reports(model):
        return list(model.objects.filter(author=member).values("pk", "initiative_id", "status", "created_at"))

    return {
        "initiatives_spotted": list(
            Initiative.objects.filter(spotter=member).values("pk", "title", "status", "created_at")
        ),
        "portraits": reports(Portrait),
        "practical_tips": reports(PracticalTip),
        "video_reports": reports(VideoReport),
        "follows": list(
            InitiativeFollow.objects.filter(member=member).values_list("initiative_id", flat=True)
        ),
        "replication_intents": list(
            ReplicationIntent.objects.filter(member=member).values(
                "initiative_id", "city__slug", "message", "created_at"
            )
        ),
        "contact_messages": list(
            ContactMessage.objects.filter(sender=member).values("initiative_id", "body", "created_at")
        ),
    }


def member_erase(member) -> None:
    """Runs inside the account erasure transaction: published contributions stay (signed "former
    member"); follows and messages go; wishes to replicate stay counted, without their text."""
    for follow in InitiativeFollow.objects.filter(member=member):
        follow_delete(initiative=follow.initiative, member=member)
    ContactMessage.objects.filter(sender=member).delete()
    ReplicationIntent.objects.filter(member=member).update(message="")


def follower_ids(initiative_ids) -> list[int]:
    """Public service for other apps: members who follow any of ``initiative_ids`` (the events app
    tells them about an NCZ Day featuring one). One query. Initiatives imports no other feature app."""
    return list(
        InitiativeFollow.objects.filter(initiative_id__in=list(initiative_ids), member__is_active=True)
        .values_list("member_id", flat=True)
        .distinct()
    )
