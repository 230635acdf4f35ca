"""The kernel's search: typos corrected against the vocabulary of every kind's titles."""

import re
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civic.core import discovery
from civic.core.discovery import DiscoveryQuery
from civic.core.models import TitleWord
from civic.core.search import corrections, search_words
from civic.places.geo import point
from events.models import Event
from tests.events.factories import EventFactory
from tests.factories import OrganizationFactory
from tests.volunteering.factories import MissionFactory, SlotFactory
from volunteering.models import Mission


def test_words_are_folded_to_lower_case_without_accents():
    assert search_words("Grainothèque  d'ÉCOLE, 2027!") == ["grainotheque", "d", "ecole", "2027"]


@pytest.mark.django_db
def test_title_words_feed_the_vocabulary_and_correct_typos():
    SlotFactory(mission=MissionFactory(title_fr="Grainothèque du quartier", description_fr="Des graines."))

    assert {"grainotheque", "quartier"} <= set(TitleWord.objects.values_list("word", flat=True))
    # Words of descriptions are searchable, but typos are corrected against titles only.
    assert not TitleWord.objects.filter(word="graines").exists()
    assert corrections(["grainoteque", "quartie"]) == {
        "grainoteque": ["grainotheque"],
        "quartie": ["quartier"],
    }
    found = discovery.search_all("grainoteque", DiscoveryQuery(limit=5), kinds=["mission"])
    assert [i.title for i in found["mission"]] == ["Grainothèque du quartier"]


@pytest.mark.django_db
def test_a_typo_is_corrected_to_the_closest_words_only():
    MissionFactory(title_fr="Atelier compost")
    MissionFactory(title_fr="Cuisine compartida")

    assert corrections(["compst"]) == {"compst": ["compost"]}


@pytest.mark.django_db
def test_an_edited_title_adds_its_new_words():
    mission = MissionFactory(title_fr="Collecte de jouets")
    mission.title_fr = "Collecte de livres"
    mission.save()

    assert {"jouets", "livres"} <= set(TitleWord.objects.values_list("word", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_the_same_new_words_both_commit():
    # The second insert waits on the first one's uncommitted words, then skips them.
    organization = OrganizationFactory()
    first_inserted, errors = threading.Event(), []

    def create(title, wait_first):
        try:
            with transaction.atomic():
                if wait_first:
                    first_inserted.wait(5)
                MissionFactory(title_fr=title, organization=organization)
                if not wait_first:
                    first_inserted.set()
                    time.sleep(0.3)  # hold the new words uncommitted while the other one inserts
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=create, args=("Zébulon et xylophone", False)),
        threading.Thread(target=create, args=("Xylophone et zébulon", True)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors
    assert TitleWord.objects.filter(word__in=["zebulon", "xylophone"]).count() == 2


@pytest.mark.django_db
def test_a_global_search_corrects_its_words_once_for_every_kind():
    SlotFactory(mission=MissionFactory(title_fr="Grainothèque du quartier"))

    with CaptureQueriesContext(connection) as queries:
        found = discovery.search_all("grainoteque", DiscoveryQuery(limit=5))

    assert [i.title for i in found["mission"]] == ["Grainothèque du quartier"]
    assert sum("core_titleword" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.django_db
def test_search_page_marks_the_corrected_words(client):
    SlotFactory(mission=MissionFactory(title_fr="Grainothèque du quartier", title_en="Seed library"))

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/search/", {"q": "grainoteque"}).content.decode()

    assert "<mark>Grainothèque</mark> du quartier" in html
    assert sum("core_titleword" in q["sql"] for q in queries.captured_queries) == 1


@pytest.mark.django_db
def test_a_ranked_search_puts_title_matches_first_and_keeps_the_lists_order_between_equals():
    later = EventFactory(title_fr="Compost au jardin", starts_at=timezone.now() + timedelta(days=9))
    sooner = EventFactory(title_fr="Compost partagé", starts_at=timezone.now() + timedelta(days=8))
    in_text = EventFactory(title_fr="Fête de quartier", description_fr="Avec un stand compost.")
    EventFactory(title_fr="Repair café")

    ranked = Event.objects.search("compost", ranked=True)

    assert [e.pk for e in ranked] == [sooner.pk, later.pk, in_text.pk]  # ties: the events' order (starts_at)
    assert sorted(e.pk for e in Event.objects.search("compost")) == sorted([sooner.pk, later.pk, in_text.pk])
    assert Event.objects.search("  ,; ").count() == 4  # no word: nothing is filtered


@pytest.mark.django_db
def test_a_search_with_candidates_ranks_only_the_newest_matches():
    oldest_title_match = EventFactory(title_fr="Compost")
    newer = [EventFactory(title_fr=f"Fête {n}", description_fr="compost") for n in range(3)]

    best = Event.objects.search("compost", ranked=True, candidates=2)

    assert [e.pk for e in best] == [newer[2].pk, newer[1].pk]
    assert oldest_title_match.pk in {e.pk for e in Event.objects.search("compost", ranked=True)}


@pytest.mark.django_db
def test_every_language_of_each_field_is_searchable_with_its_weight():
    event = EventFactory(title_fr="Rencontre", title_en="", title_es="Huerto urbano", description_fr="")
    Event.objects.filter(pk=event.pk).update(description_en="Bring seeds")

    assert list(Event.objects.search("huerto").values_list("pk", flat=True)) == [event.pk]
    assert list(Event.objects.search("seeds").values_list("pk", flat=True)) == [event.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM events_event WHERE id = %s", [event.pk])
        vector = cursor.fetchone()[0]
    assert re.search(r"'huerto':\d+A", vector) and re.search(r"'seeds':\d+B", vector)


@pytest.mark.django_db
def test_rows_inserted_in_bulk_or_by_raw_sql_are_searchable_and_feed_the_vocabulary():
    organization = OrganizationFactory()
    Mission.objects.bulk_create(
        [
            Mission(
                organization=organization,
                city=organization.city,
                title_fr="Atelier tricot",
                description_fr="Des aiguilles.",
                status="published",
                point=point(48.85, 2.35),
                latitude=48.85,
                longitude=2.35,
            )
        ]
    )
    event = EventFactory(title_fr="Pique-nique", title_en="", title_es="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE events_event SET title_fr = 'Ciné-débat' WHERE id = %s", [event.pk])

    assert Mission.objects.search("tricto").count() == 1  # a typo: "tricot" is in the vocabulary
    assert list(Event.objects.search("cine debat").values_list("pk", flat=True)) == [event.pk]
    assert not Event.objects.search("pique").exists()
    assert {"tricot", "cine", "debat"} <= set(TitleWord.objects.values_list("word", flat=True))


@pytest.mark.django_db
def test_every_searchable_kind_keeps_its_vector_the_one_way():
    """A generated column, a SearchQuerySet, a GIN index and the vocabulary triggers; nothing else
    (no trigger or service of its own) writes the vector."""
    from django.apps import apps
    from django.contrib.postgres.indexes import GinIndex

    from civic.core.search import SearchQuerySet

    searchable = [m for m in apps.get_models() if any(f.name == "search_vector" for f in m._meta.fields)]
    assert {m._meta.label for m in searchable} == {
        "initiatives.Initiative",
        "volunteering.Mission",
        "crowdfunding.Project",
        "participation.Proposal",
        "events.Event",
    }
    for model in searchable:
        field = model._meta.get_field("search_vector")
        assert field.generated and field.db_persist, model
        assert isinstance(model.objects.all(), SearchQuerySet), model
        assert any(isinstance(i, GinIndex) and i.fields == ["search_vector"] for i in model._meta.indexes), (
            model
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [model._meta.db_table],
            )
            triggers = {row[0] for row in cursor.fetchall()}
        table = model._meta.db_table
        assert triggers == {f"{table}_title_words_ins", f"{table}_title_words_upd"}, model
