from django.contrib.contenttypes.models import ContentType
from django.db import models

from civic.core.models import AuditEntry


def log_action(action: str, *, target: models.Model, actor=None, data: dict | None = None) -> AuditEntry:
    """Record ``action`` (dotted, e.g. ``"initiatives.initiative.published"``) on ``target``.

    Call it inside the service's transaction so that the entry exists if and only if the change does.
    """
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        data=data or {},
    )


def history_for(target: models.Model):
    """Audit entries of one object, newest first, with their actors (one query)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
