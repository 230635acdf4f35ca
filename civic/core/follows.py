"""One way to follow something: an abstract model and ``follow()`` / ``unfollow()``, with one
counter rule.

A concrete follow model inherits ``FollowBase``, declares its two foreign keys (the member who
follows, the thing followed), a ``UniqueConstraint`` over them (``tests/core/test_follows.py``
checks every subclass has one), and names them in ``follower_field`` / ``target_field``; when the
followed thing keeps a denormalised count of its followers, ``counter_field`` names that column.

The rule: the row decides. ``follow()`` inserts the row in a savepoint; the unique constraint
turns a second follow (a double click, two tabs, twenty threads) into "nothing changed", and only
a row really inserted moves the counter, by ``F() + 1`` in the same transaction. ``unfollow()``
moves it by ``- 1`` only when a row was really deleted. So the counter always equals the number
of rows, whatever runs at the same time, and both calls are idempotent.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import F
from psycopg.errors import UniqueViolation


class FollowBase(models.Model):
    """A member follows something. See the module docstring for what subclasses declare."""

    created_at = models.DateTimeField(auto_now_add=True)

    follower_field = "member"
    target_field: str = ""
    counter_field: str | None = None

    class Meta:
        abstract = True


def _move_counter(model: type[FollowBase], target: models.Model, delta: int) -> None:
    if model.counter_field:
        type(target)._default_manager.filter(pk=target.pk).update(
            **{model.counter_field: F(model.counter_field) + delta}
        )


def follow(model: type[FollowBase], *, member, target: models.Model) -> bool:
    """``member`` follows ``target``; True when a row was created, False when it already existed.

    Atomic on its own or inside the caller's transaction: the insert runs in a savepoint so a
    duplicate rolls back only itself; the counter moves after it, in the same transaction."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                model.objects.create(**{model.follower_field: member, model.target_field: target})
        except IntegrityError as exc:
            # The unique constraint decided: someone (maybe this member, a moment ago) got there
            # first. Any other constraint (a check, a missing row) is a real error.
            if not isinstance(exc.__cause__, UniqueViolation):
                raise
            return False
        _move_counter(model, target, +1)
    return True


def unfollow(model: type[FollowBase], *, member, target: models.Model) -> bool:
    """``member`` stops following ``target``; True when a row was deleted, False when there was none.

    Two parallel unfollows delete one row: the second waits on the row lock and then finds nothing."""
    with transaction.atomic():
        _total, per_model = model.objects.filter(
            **{model.follower_field: member, model.target_field: target}
        ).delete()
        deleted = per_model.get(model._meta.label, 0)
        if deleted:
            _move_counter(model, target, -deleted)
    return bool(deleted)
