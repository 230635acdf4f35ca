"""The CSV exports stream a fixed number of queries whatever the number of proposals, in pieces
(not one write per row), the header first."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participation import services
from tests.participation.factories import CitySpaceFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(city):
    return CitySpaceFactory(city=city)


def _export(client, what: str) -> tuple[list[list[str]], int, list[bytes]]:
    """The rows of the export, the queries it took and the pieces it was sent in."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"participation:export_{what}", args=["paris"]))
        pieces = list(response.streaming_content)
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    return rows, len(queries), pieces


@pytest.mark.parametrize("what", ["proposals", "answers", "supports"])
def test_an_export_costs_the_same_queries_for_3_or_30_proposals(client, space, theme, olga, what):
    client.force_login(olga)
    costs, made = [], 0
    for count in (3, 30):
        for _ in range(count - made):
            proposal = ProposalFactory(city=space.city, theme=theme)
            services.proposal_answer(proposal=proposal, official=olga, status="accepted", text="Yes")
        made = count
        rows, queries, _pieces = _export(client, what)
        assert rows[0]  # the header, and (proposals, answers) a row per proposal
        assert what == "supports" or len(rows) == count + 1
        costs.append(queries)
    assert costs[0] == costs[1]


def test_a_long_export_is_sent_in_pieces_header_first(client, space, theme, olga):
    client.force_login(olga)
    ProposalFactory.create_batch(40, city=space.city, theme=theme, title="x" * 150)

    rows, _queries, pieces = _export(client, "proposals")

    assert len(rows) == 41
    assert pieces[0].decode("utf-8").startswith("\ufeffid,") and pieces[0].count(b"\n") == 1
    assert len(pieces) < 41
