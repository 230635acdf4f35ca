"""The kernel's search: typos corrected against the vocabulary of every kind's titles."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from civic.core import discovery
from civic.core.discovery import DiscoveryQuery
from civic.core.models import TitleWord
from civic.core.search import corrections, search_words
from tests.factories import OrganizationFactory
from tests.volunteering.factories import MissionFactory, SlotFactory


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
