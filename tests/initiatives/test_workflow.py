"""The review workflow: who may move what, what each move stores, logs and tells the author."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civic.core.models import AuditEntry
from civic.core.permissions import NotAllowed
from civic.notifications.models import Notification
from initiatives import services
from initiatives.models import Initiative, Status
from tests.factories import EditorFactory, MemberFactory
from tests.initiatives.factories import DraftFactory, InitiativeFactory, PortraitFactory, SpotterFactory

pytestmark = pytest.mark.django_db


def _people():
    owner = SpotterFactory(email="alice@example.org", display_name="Alice")
    return {
        "owner": owner,
        "other_spotter": SpotterFactory(email="charlie@example.org", display_name="Charlie"),
        "member": MemberFactory(email="bob@example.org", display_name="Bob"),
        "editor": EditorFactory(email="edith@example.org", display_name="Edith"),
        "anonymous": None,
    }


# role × action → allowed? (the initiative belongs to "owner")
MATRIX = [
    ("submit", Status.DRAFT, "owner", True),
    ("submit", Status.SENT_BACK, "owner", True),
    ("submit", Status.DRAFT, "other_spotter", False),
    ("submit", Status.DRAFT, "editor", False),
    ("submit", Status.IN_REVIEW, "owner", False),
    ("submit", Status.PUBLISHED, "owner", False),
    ("publish", Status.IN_REVIEW, "editor", True),
    ("publish", Status.IN_REVIEW, "owner", False),
    ("publish", Status.IN_REVIEW, "other_spotter", False),
    ("publish", Status.IN_REVIEW, "member", False),
    ("publish", Status.DRAFT, "editor", False),
    ("send_back", Status.IN_REVIEW, "editor", True),
    ("send_back", Status.IN_REVIEW, "owner", False),
    ("reject", Status.IN_REVIEW, "editor", True),
    ("reject", Status.IN_REVIEW, "owner", False),
    ("reject", Status.PUBLISHED, "editor", False),
]


def _do(action, obj, by):
    if action == "submit":
        return services.review_submit(obj=obj, by=by)
    if action == "publish":
        return services.review_publish(obj=obj, by=by)
    if action == "send_back":
        return services.review_send_back(obj=obj, by=by, comment="Add a photo, please.")
    return services.review_reject(obj=obj, by=by, comment="Not an initiative.")


EXPECTED = {
    "submit": Status.IN_REVIEW,
    "publish": Status.PUBLISHED,
    "send_back": Status.SENT_BACK,
    "reject": Status.REJECTED,
}


@pytest.mark.parametrize(("action", "status", "role", "allowed"), MATRIX)
def test_review_transition_matrix(action, status, role, allowed):
    people = _people()
    initiative = DraftFactory(spotter=people["owner"], status=status)
    by = people[role] or MemberFactory.build()

    if allowed:
        _do(action, initiative, by)
        initiative.refresh_from_db()
        assert initiative.status == EXPECTED[action]
        assert AuditEntry.objects.filter(object_id=str(initiative.pk), actor=by).exists()
    else:
        with pytest.raises(NotAllowed):
            _do(action, initiative, by)
        initiative.refresh_from_db()
        assert initiative.status == status


def test_each_move_is_logged_with_who_and_from_where(spotter_alice, edith):
    initiative = DraftFactory(spotter=spotter_alice)

    services.review_submit(obj=initiative, by=spotter_alice)
    services.review_send_back(obj=initiative, by=edith, comment="Which street?")
    services.review_submit(obj=initiative, by=spotter_alice)
    services.review_publish(obj=initiative, by=edith)

    entries = list(
        AuditEntry.objects.filter(object_id=str(initiative.pk))
        .order_by("created_at", "id")
        .values_list("action", "actor__email", "data")
    )
    assert [(a, e) for a, e, _d in entries] == [
        ("initiatives.initiative.submitted", "alice@example.org"),
        ("initiatives.initiative.sent_back", "edith@example.org"),
        ("initiatives.initiative.submitted", "alice@example.org"),
        ("initiatives.initiative.published", "edith@example.org"),
    ]
    assert entries[1][2] == {"from": "in_review", "to": "sent_back", "comment": "Which street?"}


def test_spotter_is_notified_in_their_language_at_each_step(
    spotter_alice, edith, django_capture_on_commit_callbacks, mailoutbox
):
    spotter_alice.language = "es"
    spotter_alice.save()
    initiative = DraftFactory(spotter=spotter_alice, title_es="Compost del barrio")

    with django_capture_on_commit_callbacks(execute=True):
        services.review_submit(obj=initiative, by=spotter_alice)
        services.review_send_back(obj=initiative, by=edith, comment="¿Qué calle?")

    kinds = list(
        Notification.objects.filter(recipient=spotter_alice).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == ["initiatives.submitted", "initiatives.sent_back"]
    sent_back = Notification.objects.get(kind="initiatives.sent_back")
    assert "¿Qué calle?" in sent_back.body
    assert "devolvieron" in sent_back.body  # Spanish text
    assert len(mailoutbox) == 2


def test_sending_back_needs_a_comment(spotter_alice, edith):
    initiative = DraftFactory(spotter=spotter_alice, status=Status.IN_REVIEW)

    with pytest.raises(ValidationError):
        services.review_send_back(obj=initiative, by=edith, comment="  ")
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW


def test_reports_follow_the_same_review(reporter_bob, edith):
    portrait = PortraitFactory(author=reporter_bob, status=Status.DRAFT)

    services.review_submit(obj=portrait, by=reporter_bob)
    services.review_publish(obj=portrait, by=edith)

    portrait.refresh_from_db()
    assert portrait.status == Status.PUBLISHED
    assert AuditEntry.objects.filter(action="initiatives.portrait.published").count() == 1


def test_only_editors_feature(spotter_alice, edith):
    initiative = InitiativeFactory(spotter=spotter_alice)

    with pytest.raises(NotAllowed):
        services.initiative_feature(initiative=initiative, by=spotter_alice, featured=True)
    services.initiative_feature(initiative=initiative, by=edith, featured=True)

    assert Initiative.objects.get(pk=initiative.pk).featured is True


# --- Pages: what one may not see answers 404 ------------------------------------------------------

PAGE_MATRIX = [
    # (status, who, detail, edit)
    (Status.DRAFT, "anonymous", 404, 302),
    (Status.DRAFT, "member", 404, 404),
    (Status.DRAFT, "other_spotter", 404, 404),
    (Status.DRAFT, "owner", 200, 200),
    (Status.DRAFT, "editor", 200, 200),
    (Status.IN_REVIEW, "owner", 200, 404),
    (Status.IN_REVIEW, "other_spotter", 404, 404),
    (Status.REJECTED, "member", 404, 404),
    (Status.PUBLISHED, "anonymous", 200, 302),
    (Status.PUBLISHED, "member", 200, 404),
    (Status.PUBLISHED, "owner", 200, 404),
]


@pytest.mark.parametrize(("status", "who", "detail", "edit"), PAGE_MATRIX)
def test_page_permission_matrix(client, status, who, detail, edit):
    people = _people()
    initiative = DraftFactory(spotter=people["owner"], status=status)
    if people[who]:
        client.force_login(people[who])

    assert client.get(reverse("initiatives:detail", args=[initiative.pk])).status_code == detail
    assert client.get(reverse("initiatives:edit", args=[initiative.pk])).status_code == edit


@pytest.mark.parametrize("who", ["member", "owner", "other_spotter"])
def test_review_pages_are_404_for_non_editors(client, who):
    people = _people()
    initiative = DraftFactory(spotter=people["owner"], status=Status.IN_REVIEW)
    client.force_login(people[who])

    assert client.get(reverse("initiatives:review_queue")).status_code == 404
    response = client.post(
        reverse("initiatives:review", args=["initiative", initiative.pk]), {"decision": "publish"}
    )
    assert response.status_code == 404
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW


def test_someone_elses_draft_cannot_be_submitted_by_url(client):
    people = _people()
    initiative = DraftFactory(spotter=people["owner"])
    client.force_login(people["other_spotter"])

    response = client.post(reverse("initiatives:submit", args=["initiative", initiative.pk]))

    assert response.status_code == 404
    initiative.refresh_from_db()
    assert initiative.status == Status.DRAFT


def test_editor_publishes_from_the_review_queue(client, edith, spotter_alice):
    initiative = DraftFactory(spotter=spotter_alice, status=Status.IN_REVIEW, title_fr="Frigo solidaire")
    client.force_login(edith)

    queue = client.get(reverse("initiatives:review_queue"))
    assert "Frigo solidaire" in queue.content.decode()
    response = client.post(
        reverse("initiatives:review", args=["initiative", initiative.pk]), {"decision": "publish"}
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Status.PUBLISHED
    assert initiative.published_at is not None


def test_send_back_without_comment_is_refused_next_to_the_field(client, edith, spotter_alice):
    initiative = DraftFactory(spotter=spotter_alice, status=Status.IN_REVIEW)
    client.force_login(edith)

    response = client.post(
        reverse("initiatives:review", args=["initiative", initiative.pk]),
        {"decision": "send_back", "comment": ""},
    )

    assert response.status_code == 200
    assert "Say what the author should change." in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW


@pytest.mark.parametrize("rows", [3, 30])
def test_review_queue_query_budget(client, django_assert_max_num_queries, rows):
    editor = EditorFactory()
    for _ in range(rows):
        DraftFactory(status=Status.IN_REVIEW)
        PortraitFactory(status=Status.IN_REVIEW)
    client.force_login(editor)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("initiatives:review_queue"))
    assert len(response.context["initiatives"]) == rows
    assert len(response.context["reports"]) == rows
