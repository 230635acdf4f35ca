"""One follow contract for every kind (``civic.core.follows``): the row decides, a counter moves only
with a row really inserted or deleted, in the same transaction. Raced with real threads against
PostgreSQL, through each app's own service."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import models

from civic.accounts import services as account_services
from civic.accounts.models import Follow
from civic.core.follows import FollowBase
from crowdfunding import services as project_services
from crowdfunding.models import ProjectFollow
from initiatives import services as initiative_services
from initiatives.models import InitiativeFollow
from participation import services as proposal_services
from participation.models import ProposalFollow
from tests.crowdfunding.factories import ProjectFactory
from tests.factories import MemberFactory
from tests.initiatives.factories import InitiativeFactory
from tests.participation.factories import ProposalFactory
from tests.race import race


@dataclass
class Kind:
    model: type[FollowBase]
    make: Callable
    follow: Callable  # (target, member) -> bool
    unfollow: Callable  # (target, member) -> bool


KINDS = {
    "member": Kind(
        Follow,
        MemberFactory,
        lambda t, m: account_services.follow_create(follower=m, followed=t),
        lambda t, m: account_services.follow_delete(follower=m, followed=t),
    ),
    "initiative": Kind(
        InitiativeFollow,
        InitiativeFactory,
        lambda t, m: initiative_services.follow_create(initiative=t, member=m),
        lambda t, m: initiative_services.follow_delete(initiative=t, member=m),
    ),
    "project": Kind(
        ProjectFollow,
        ProjectFactory,
        lambda t, m: project_services.project_follow(project=t, member=m),
        lambda t, m: project_services.project_follow(project=t, member=m, follow=False),
    ),
    "proposal": Kind(
        ProposalFollow,
        ProposalFactory,
        lambda t, m: proposal_services.proposal_follow(proposal=t, member=m),
        lambda t, m: proposal_services.proposal_unfollow(proposal=t, member=m),
    ),
}


def _rows(kind: Kind, target) -> int:
    return kind.model.objects.filter(**{kind.model.target_field: target}).count()


def _counter(kind: Kind, target) -> int | None:
    field = kind.model.counter_field
    return type(target).objects.values_list(field, flat=True).get(pk=target.pk) if field else None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", KINDS)
def test_twenty_members_and_one_member_ten_times_following_at_once_leave_the_counter_equal_to_the_rows(name):
    kind = KINDS[name]
    target = kind.make()
    crowd = [MemberFactory() for _ in range(20)]
    eager = MemberFactory()

    outcome = race(kind.follow, [(target, m) for m in crowd] + [(target, eager)] * 10)

    assert outcome.errors == []
    results = outcome.results

    assert results[:20] == [True] * 20
    assert sorted(results[20:]) == [False] * 9 + [True]  # one of the ten clicks followed
    assert _rows(kind, target) == 21
    assert _counter(kind, target) in (21, None)  # members and proposals keep no counter


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", KINDS)
def test_one_member_unfollowing_ten_times_at_once_removes_one_follow(name):
    kind = KINDS[name]
    target = kind.make()
    bob, charlie = MemberFactory(), MemberFactory()
    kind.follow(target, bob)
    kind.follow(target, charlie)

    outcome = race(kind.unfollow, [(target, bob)] * 10)

    assert outcome.errors == []
    results = outcome.results

    assert sorted(results) == [False] * 9 + [True]
    assert _rows(kind, target) == 1
    assert _counter(kind, target) in (1, None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", KINDS)
def test_following_twice_and_unfollowing_twice_change_things_once(name):
    kind = KINDS[name]
    target, bob = kind.make(), MemberFactory()

    assert [kind.follow(target, bob), kind.follow(target, bob)] == [True, False]
    assert (_rows(kind, target), _counter(kind, target)) in ((1, 1), (1, None))
    assert [kind.unfollow(target, bob), kind.unfollow(target, bob)] == [True, False]
    assert (_rows(kind, target), _counter(kind, target)) in ((0, 0), (0, None))


def _follow_models() -> list[type[FollowBase]]:
    return [m for m in apps.get_models() if issubclass(m, FollowBase)]


def test_every_follow_model_is_tested_here():
    assert set(_follow_models()) == {k.model for k in KINDS.values()}


@pytest.mark.parametrize("model", _follow_models(), ids=lambda m: m._meta.label)
def test_every_follow_model_is_unique_per_member_and_target_and_its_counter_exists(model):
    pair = {model.follower_field, model.target_field}
    assert any(
        isinstance(c, models.UniqueConstraint) and set(c.fields) == pair and c.condition is None
        for c in model._meta.constraints
    ), f"{model._meta.label} needs a UniqueConstraint on {sorted(pair)}: follow() relies on it"
    target_model = model._meta.get_field(model.target_field).related_model
    if model.counter_field:
        assert isinstance(target_model._meta.get_field(model.counter_field), models.IntegerField)
