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


def update_logged(
    obj: models.Model,
    action: str,
    *,
    actor,
    values: dict,
    stamps: tuple[str, ...] = (),
    clean: bool = False,
    data: dict | None = None,
) -> models.Model:
    """A change to one object, in the caller's transaction: set ``values`` on ``obj``, validate it
    (``full_clean()``) when ``clean``, save only those columns and the ``auto_now`` ``stamps``
    (``("updated_at",)``), and record ``action`` on it (``log_action``). Returns ``obj``."""
    for name, value in values.items():
        setattr(obj, name, value)
    if clean:
        obj.full_clean()
    obj.save(update_fields=[*values, *stamps])
    log_action(action, target=obj, actor=actor, data=data)
    return obj


def history_for(target: models.Model):
    """Audit entries of one object, newest first, with their actors (one query)."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk)
    ).select_related("actor")
