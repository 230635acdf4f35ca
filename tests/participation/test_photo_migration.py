"""The move of a proposal's photo into ProposalPhoto keeps every photo, its thumbnail and its
description (migration 0008), and moving back restores them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CityFactory, MemberFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("participation", "0007_call_language")]
AFTER = [("participation", "0008_proposal_photo")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards():
    """Whatever happens in the test, the next tests find the schema they expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_proposals_photo_becomes_its_first_proposal_photo_with_its_description(latest_schema_afterwards):
    city, theme, author = CityFactory(), ThemeFactory(), MemberFactory()
    old = _migrate(BEFORE)
    Proposal = old.get_model("participation", "Proposal")
    fields = {"city_id": city.pk, "theme_id": theme.pk, "author_id": author.pk, "text": "t", "language": "en"}
    with_photo = Proposal.objects.create(
        title="Benches",
        photo="participation/proposals/2026/11/photo.png",
        photo_thumb="participation/proposals/2026/11/thumb.jpg",
        photo_alt="A bench in the sun",
        **fields,
    )
    without = Proposal.objects.create(title="Trees", **fields)

    new = _migrate(AFTER)

    ProposalPhoto = new.get_model("participation", "ProposalPhoto")
    assert list(
        ProposalPhoto.objects.values_list("proposal_id", "image", "thumbnail", "alt", "position")
    ) == [
        (
            with_photo.pk,
            "participation/proposals/2026/11/photo.png",
            "participation/proposals/2026/11/thumb.jpg",
            "A bench in the sun",
            0,
        )
    ]
    assert not ProposalPhoto.objects.filter(proposal_id=without.pk).exists()

    back = _migrate(BEFORE)
    restored = back.get_model("participation", "Proposal").objects.get(pk=with_photo.pk)
    assert (restored.photo.name, restored.photo_alt) == (
        "participation/proposals/2026/11/photo.png",
        "A bench in the sun",
    )
    _migrate(AFTER)
