import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from civic.core.permissions import NotAllowed
from civic.notifications.models import Notification
from participation import services
from participation.models import (
    Answer,
    AnswerRevision,
    CallResponse,
    CitySpace,
    Comment,
    Proposal,
    Support,
)
from participation.tasks import notify_threshold_reached
from tests.factories import MemberFactory
from tests.participation.factories import CallFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def create(space, author, theme, **kwargs):
    defaults = {"title": "Shade for the playground", "text": "Plant trees.", "theme": theme}
    defaults.update(kwargs)
    return services.proposal_create(author=author, city=space.city, **defaults)


# --- Publishing --------------------------------------------------------------------------------


def test_member_publishes_a_proposal_and_follows_it(space, alice, theme):
    proposal = create(space, alice, theme, point={"type": "Point", "coordinates": [2.35, 48.85]})

    proposal.refresh_from_db()
    assert proposal.status == "open"
    assert proposal.latitude == 48.85
    assert proposal.follows.filter(member=alice).exists()
    assert Proposal.objects.search("playgrond").filter(pk=proposal.pk).exists()  # typo
    assert Proposal.objects.search("shade").filter(pk=proposal.pk).exists()


def test_empty_proposal_text_is_refused_and_nothing_saved(space, alice, theme):
    with pytest.raises(ValidationError) as exc:
        create(space, alice, theme, text="")
    assert "text" in exc.value.message_dict
    assert not Proposal.objects.exists()


def test_ten_megabyte_proposal_text_is_refused_with_a_clear_message(space, alice, theme):
    with pytest.raises(ValidationError) as exc:
        create(space, alice, theme, text="a" * (10 * 1024 * 1024))
    assert "10000 characters at most" in exc.value.message_dict["text"][0]
    assert not Proposal.objects.exists()


def test_neighbourhood_of_another_city_is_refused(space, other_city, alice, theme):
    elsewhere = NeighbourhoodFactory(city=other_city, name_fr="Croix-Rousse")

    with pytest.raises(ValidationError) as exc:
        create(space, alice, theme, neighbourhood=elsewhere)
    assert "not in Paris" in exc.value.message_dict["neighbourhood"][0]
    assert not Proposal.objects.exists()


def test_unverified_member_cannot_publish(space, ursula, theme):
    with pytest.raises(NotAllowed):
        create(space, ursula, theme)


def test_publishing_is_rate_limited_with_a_clear_message(
    settings, space, alice, theme, django_capture_on_commit_callbacks
):
    settings.PARTICIPATION_PROPOSALS_PER_HOUR = 2
    for i in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            create(space, alice, theme, title=f"Idea {i}")

    with pytest.raises(services.RateLimited) as exc:
        create(space, alice, theme, title="Idea 3")
    assert "2 proposals in the last hour" in exc.value.messages[0]
    assert Proposal.objects.count() == 2


def test_commenting_is_rate_limited(settings, proposal, bob, django_capture_on_commit_callbacks):
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(proposal=proposal, author=bob, text="First")
    with pytest.raises(services.RateLimited):
        services.comment_create(proposal=proposal, author=bob, text="Second")
    assert Comment.objects.count() == 1


# --- Supports and the threshold ----------------------------------------------------------------


def test_supporting_twice_counts_once_and_withdrawing_updates_the_counter(proposal, bob, charlie):
    assert services.proposal_support(proposal=proposal, member=bob) is True
    assert services.proposal_support(proposal=proposal, member=bob) is False
    services.proposal_support(proposal=proposal, member=charlie)
    proposal.refresh_from_db()
    assert proposal.supports_count == 2

    assert services.support_withdraw(proposal=proposal, member=bob) is True
    assert services.support_withdraw(proposal=proposal, member=bob) is False
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 == Support.objects.filter(proposal=proposal).count()


def test_database_refuses_a_second_support_row(proposal, bob):
    Support.objects.create(proposal=proposal, member=bob)
    with pytest.raises(IntegrityError):
        Support.objects.create(proposal=proposal, member=bob)


def test_author_cannot_support_their_own_hidden_proposal(proposal, alice, olga):
    services.content_hide(target=proposal, moderator=olga, reason="Advertising")
    with pytest.raises(ValidationError) as exc:
        services.proposal_support(proposal=proposal, member=alice)
    assert "hidden by moderation" in exc.value.messages[0]
    assert not Support.objects.exists()


def test_crossing_the_threshold_notifies_each_official_exactly_once(
    proposal, bob, charlie, edith, olga, city_hall, django_capture_on_commit_callbacks
):
    second_official = MemberFactory(email="omar@example.org")
    second_official.memberships.create(organization=city_hall)
    supporters = [bob, charlie, edith]
    with django_capture_on_commit_callbacks(execute=True):
        for member in supporters:
            services.proposal_support(proposal=proposal, member=member)
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at is not None
    kind = "participation.threshold_reached"
    assert Notification.objects.filter(kind=kind, recipient=olga).count() == 1
    assert Notification.objects.filter(kind=kind, recipient=second_official).count() == 1
    assert Notification.objects.filter(kind=kind).count() == 2

    # Falling below and crossing again, or running the task again, notifies nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.support_withdraw(proposal=proposal, member=bob)
        services.proposal_support(proposal=proposal, member=bob)
    assert notify_threshold_reached(proposal.pk) == 0
    assert Notification.objects.filter(kind=kind).count() == 2


def test_below_the_threshold_nobody_is_notified(proposal, bob, olga, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_support(proposal=proposal, member=bob)
    proposal.refresh_from_db()
    assert proposal.threshold_reached_at is None
    assert not Notification.objects.filter(kind="participation.threshold_reached").exists()


# --- Comments ----------------------------------------------------------------------------------


def test_replies_are_one_level_deep(proposal, bob, charlie):
    top = services.comment_create(proposal=proposal, author=bob, text="Top")
    reply = services.comment_create(proposal=proposal, author=charlie, text="Reply", parent=top)

    with pytest.raises(ValidationError) as exc:
        services.comment_create(proposal=proposal, author=bob, text="Reply to reply", parent=reply)
    assert "one level deep" in exc.value.message_dict["parent"][0]
    proposal.refresh_from_db()
    assert proposal.comments_count == 2


def test_comment_can_be_edited_within_15_minutes_only(proposal, bob):
    comment = services.comment_create(proposal=proposal, author=bob, text="Typo")
    services.comment_edit(comment=comment, member=bob, text="Fixed")
    comment.refresh_from_db()
    assert comment.text == "Fixed" and comment.edited_at

    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(ValidationError):
        services.comment_edit(comment=comment, member=bob, text="Too late")
    comment.refresh_from_db()
    assert comment.text == "Fixed"


def test_only_the_author_edits_or_deletes_a_comment(proposal, bob, charlie):
    comment = services.comment_create(proposal=proposal, author=bob, text="Mine")
    with pytest.raises(NotAllowed):
        services.comment_edit(comment=comment, member=charlie, text="Theirs")
    with pytest.raises(NotAllowed):
        services.comment_delete(comment=comment, member=charlie)


def test_deleting_a_comment_keeps_counters_exact(proposal, bob, olga):
    comment = services.comment_create(proposal=proposal, author=bob, text="Mine")
    other = services.comment_create(proposal=proposal, author=bob, text="Other")
    services.content_hide(target=other, moderator=olga, reason="Off topic")
    proposal.refresh_from_db()
    assert proposal.comments_count == 1

    services.comment_delete(comment=comment, member=bob)
    services.comment_delete(comment=comment, member=bob)
    services.comment_delete(comment=other, member=bob)  # hidden already: not counted twice
    proposal.refresh_from_db()
    assert proposal.comments_count == 0
    comment.refresh_from_db()
    assert comment.is_deleted and comment.text == ""


def test_comment_notifies_followers_but_not_its_author(
    proposal, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(proposal=proposal, author=bob, text="Nice")
    assert Notification.objects.filter(kind="participation.new_comment", recipient=alice).count() == 1
    assert not Notification.objects.filter(kind="participation.new_comment", recipient=bob).exists()


def test_the_comment_and_answer_tasks_run_twice_notify_each_follower_once(
    proposal, alice, bob, charlie, olga, django_capture_on_commit_callbacks
):
    from participation.models import AnswerRevision
    from participation.tasks import notify_answer, notify_new_comment

    services.proposal_follow(proposal=proposal, member=charlie)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(proposal=proposal, author=bob, text="Nice")
        services.proposal_answer(proposal=proposal, official=olga, status="under_study", text="We look.")
    revision = AnswerRevision.objects.get()

    told = Notification.objects.filter(kind__in=["participation.new_comment", "participation.answered"])
    before = sorted(told.values_list("kind", "recipient"))

    assert notify_new_comment(comment.pk) == 0 and notify_answer(revision.pk) == 0
    assert sorted(told.values_list("kind", "recipient")) == before
    commented = {r for kind, r in before if kind == "participation.new_comment"}
    assert commented == {alice.pk, charlie.pk}  # the followers, not the commenter
    assert {r for kind, r in before if kind == "participation.answered"} >= {alice.pk, charlie.pk}


# --- Answers -----------------------------------------------------------------------------------


def test_official_answers_and_every_change_is_kept(
    proposal, olga, alice, city_hall, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_answer(
            proposal=proposal, official=olga, status="under_study", text="We look at it."
        )
        services.proposal_answer(
            proposal=proposal,
            official=olga,
            status="accepted",
            text="Benches in spring.",
            cost_cents=1_250_000,
            planned_date=datetime.date(2027, 4, 1),
        )
    answer = Answer.objects.get(proposal=proposal)
    assert answer.organization == city_hall
    assert answer.status == "accepted" and answer.cost_cents == 1_250_000
    assert list(AnswerRevision.objects.filter(answer=answer).values_list("status", flat=True)) == [
        "accepted",
        "under_study",
    ]
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.answered_at
    assert Notification.objects.filter(kind="participation.answered", recipient=alice).count() == 2


def test_answer_with_an_unknown_status_is_refused(proposal, olga):
    for status in ("maybe", "open"):
        with pytest.raises(ValidationError) as exc:
            services.proposal_answer(proposal=proposal, official=olga, status=status, text="?")
        assert "status" in exc.value.message_dict
    assert not Answer.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_official_of_another_city_or_an_editor_cannot_answer(proposal, oscar, edith):
    for person in (oscar, edith):
        with pytest.raises(NotAllowed):
            services.proposal_answer(proposal=proposal, official=person, status="accepted", text="Yes")
    assert not Answer.objects.exists()


# --- Flags and moderation ----------------------------------------------------------------------


def test_three_distinct_flags_hide_a_proposal_until_reviewed(proposal, bob, charlie, edith, olga, alice):
    services.flag_create(member=bob, proposal=proposal, reason="spam")
    with pytest.raises(ValidationError):
        services.flag_create(member=bob, proposal=proposal, reason="abuse")  # same member
    services.flag_create(member=charlie, proposal=proposal, reason="spam")
    proposal.refresh_from_db()
    assert not proposal.is_hidden

    services.flag_create(member=edith, proposal=proposal, reason="spam")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.review_pending
    assert not Proposal.objects.visible().filter(pk=proposal.pk).exists()

    services.content_restore(target=proposal, moderator=olga, reason="Checked: fine")
    proposal.refresh_from_db()
    assert not proposal.is_hidden and not proposal.review_pending
    assert not proposal.flags.filter(resolved_at__isnull=True).exists()
    note = Notification.objects.get(kind="participation.restored", recipient=alice)
    assert "Checked: fine" in note.body


def test_hiding_needs_a_reason_that_the_author_reads(proposal, olga, alice):
    with pytest.raises(ValidationError):
        services.content_hide(target=proposal, moderator=olga, reason="  ")
    services.content_hide(target=proposal, moderator=olga, reason="Personal data")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.moderation_reason == "Personal data"
    assert "Personal data" in Notification.objects.get(kind="participation.hidden", recipient=alice).body


def test_three_flags_hide_a_comment_and_its_count(proposal, bob, charlie, edith, alice):
    comment = services.comment_create(proposal=proposal, author=alice, text="Buy my stuff")
    for member in (bob, charlie, edith):
        services.flag_create(member=member, comment=comment, reason="spam")
    comment.refresh_from_db()
    proposal.refresh_from_db()
    assert comment.is_hidden and proposal.comments_count == 0


def test_members_cannot_flag_their_own_content(proposal, alice):
    with pytest.raises(ValidationError):
        services.flag_create(member=alice, proposal=proposal, reason="spam")


def test_official_of_another_city_cannot_moderate(proposal, oscar):
    with pytest.raises(NotAllowed):
        services.content_hide(target=proposal, moderator=oscar, reason="No")
    proposal.refresh_from_db()
    assert not proposal.is_hidden


# --- Space settings and calls ------------------------------------------------------------------


def test_negative_or_zero_threshold_is_refused(space, olga):
    for bad in (0, -5):
        with pytest.raises(ValidationError) as exc:
            services.space_update(space=CitySpace.objects.get(pk=space.pk), by=olga, support_threshold=bad)
        assert "support_threshold" in exc.value.message_dict
    assert CitySpace.objects.get(pk=space.pk).support_threshold == 3


def test_database_refuses_a_zero_threshold(space):
    with pytest.raises(IntegrityError):
        CitySpace.objects.filter(pk=space.pk).update(support_threshold=0)


def test_lowering_the_threshold_puts_proposals_over_it_in_the_queue(proposal, bob, olga, space):
    services.proposal_support(proposal=proposal, member=bob)
    services.space_update(space=space, by=olga, support_threshold=1)
    assert Proposal.objects.awaiting_answer().filter(pk=proposal.pk).exists()


def test_call_response_keeps_consent_and_counts(space, org_a, alice_in_a, bob, charlie):
    call = services.call_create(
        city=space.city, organization=org_a, by=alice_in_a, title="Park workshop", description="Come"
    )
    services.call_respond(call=call, member=bob, message="I'm in", consent_to_share=True)
    services.call_respond(call=call, member=charlie)
    with pytest.raises(ValidationError):
        services.call_respond(call=call, member=charlie)
    call.refresh_from_db()
    assert call.responses_count == 2
    assert list(CallResponse.objects.filter(consent_to_share=True).values_list("member", flat=True)) == [
        bob.pk
    ]


def test_organisation_cannot_publish_a_call_for_another_organisation(space, org_b, alice_in_a):
    with pytest.raises(NotAllowed):
        services.call_create(city=space.city, organization=org_b, by=alice_in_a, title="x", description="y")


def test_closed_call_refuses_answers(space, bob):
    call = CallFactory(city=space.city, ends_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.call_respond(call=call, member=bob)


def test_dashboard_figures_follow_supports_and_withdrawals(proposal, bob, charlie, theme):
    from participation import stats

    services.proposal_support(proposal=proposal, member=bob)
    services.proposal_support(proposal=proposal, member=charlie)
    services.support_withdraw(proposal=proposal, member=bob)
    services.comment_create(proposal=proposal, author=charlie, text="Yes")

    figures = stats.key_figures(proposal.city)
    assert figures["proposals"] == 1 and figures["supports"] == 1
    assert figures["participants"] == 3  # Alice published, Bob supported (then withdrew), Charlie
    charts = stats.charts(proposal.city, themes=[theme], neighbourhoods=[])
    assert charts["months"][-1]["proposals"] == 1 and charts["months"][-1]["supports"] == 1

    services.stats_rebuild(city=proposal.city)  # recomputing from the rows gives the same figures
    cache_key = f"participation:figures:{proposal.city.pk}"
    from django.core.cache import cache

    cache.delete(cache_key)
    cache.delete(f"participation:charts:{proposal.city.pk}")
    assert stats.key_figures(proposal.city)["participants"] == 2  # only current rows: Alice and Charlie
    assert stats.charts(proposal.city, themes=[theme], neighbourhoods=[])["months"][-1]["supports"] == 1
