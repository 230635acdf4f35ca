"""The admin as associations use it: every input has a name, and no link leads to a page that
would refuse them."""

import re

import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(org_a, theme):
    mission = MissionFactory(organization=org_a, title_fr="Mission de A")
    slot = SlotFactory(mission=mission)
    ParticipationFactory(slot=slot, member=MemberFactory(email="vol@example.org", display_name="Vol"))
    return slot


def test_association_sees_its_volunteer_named_but_not_linked_to_the_members_admin(client, alice_in_a, slot):
    client.force_login(alice_in_a)

    page = client.get(reverse("admin:volunteering_slot_change", args=[slot.pk])).content.decode()

    assert "Vol" in page
    assert "/admin/accounts/user/" not in page


def test_editor_still_follows_the_link_to_the_volunteer(client, edith, slot):
    client.force_login(edith)

    page = client.get(reverse("admin:volunteering_slot_change", args=[slot.pk])).content.decode()

    assert "/admin/accounts/user/" in page


def test_each_part_of_a_date_and_time_and_each_table_cell_has_a_name(client, alice_in_a, slot):
    client.force_login(alice_in_a)

    page = client.get(reverse("admin:volunteering_mission_change", args=[slot.mission.pk])).content.decode()

    assert '<label class="datetime-part" for="id_slots-0-starts_at_0">' in page
    assert '<label class="datetime-part" for="id_slots-0-starts_at_1">' in page
    capacity = re.search(r'<input[^>]*id="id_slots-0-capacity"[^>]*>', page).group(0)
    assert "aria-label=" in capacity


def test_themes_are_checkboxes_not_the_two_list_selector(client, alice_in_a, slot):
    client.force_login(alice_in_a)

    page = client.get(reverse("admin:events_event_add")).content.decode()

    assert 'type="checkbox" name="themes"' in page
    assert "selectfilter" not in page.lower()


def test_editor_changelist_inputs_are_named_after_their_column_and_row(client, edith, theme):
    client.force_login(edith)

    page = client.get(reverse("admin:core_theme_changelist")).content.decode()

    position = re.search(r'<input[^>]*id="id_form-0-position"[^>]*>', page).group(0)
    name = re.search(r'aria-label="([^"]*)"', position).group(1)
    assert name.count(",") == 1 and name.split(",")[1].strip()  # the column, then the row's theme


def test_the_delete_box_of_each_inline_row_is_named_after_its_row(client, edith, org_a, alice_in_a):
    client.force_login(edith)

    page = client.get(reverse("admin:organizations_organization_change", args=[org_a.pk])).content.decode()

    delete = re.search(r'<input[^>]*id="id_memberships-0-DELETE"[^>]*>', page).group(0)
    name = re.search(r'aria-label="([^"]*)"', delete).group(1)
    action, row = name.split(", ", 1)
    assert action in ("Delete", "Supprimer")  # the admin speaks the site's language
    assert "Alice" in row
