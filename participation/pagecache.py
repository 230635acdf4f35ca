"""The writes that change the city spaces' and proposals' anonymous pages (``civic.core.pagecache``).

``proposal:<pk>`` is one proposal's page, ``proposal`` every list, map and feed of proposals,
``space`` what the city spaces show besides proposals (neighbourhoods, calls, settings). A support
or a comment changes the proposal's page at once; lists show supports and comments up to
``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch, watch_item


def watch_pages() -> None:
    from participation.models import (
        Answer,
        AnswerRevision,
        CallForParticipation,
        CitySpace,
        Comment,
        Neighbourhood,
        Proposal,
        Support,
    )

    watch_item("proposal", Proposal, lists=True)
    watch_item("proposal", Support, Comment, via="proposal_id")
    watch_item("proposal", Answer, via="proposal_id", lists=True)
    watch_item("proposal", AnswerRevision, via="answer.proposal_id")
    for model in (CitySpace, Neighbourhood, CallForParticipation):
        watch(model, lambda obj: ["space"])
