"""The writes that change the city spaces' and proposals' anonymous pages (``civic.core.pagecache``).

``proposal:<pk>`` is one proposal's page, ``proposal`` every list, map and feed of proposals,
``space`` what the city spaces show besides proposals (neighbourhoods, calls, settings). A support
or a comment changes the proposal's page at once; lists show supports and comments up to
``PAGE_CACHE_SECONDS`` old.
"""

from civic.core.pagecache import watch


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

    watch(Proposal, lambda p: [f"proposal:{p.pk}", "proposal"])
    watch(Support, lambda s: [f"proposal:{s.proposal_id}"])
    watch(Comment, lambda c: [f"proposal:{c.proposal_id}"])
    watch(Answer, lambda a: [f"proposal:{a.proposal_id}", "proposal"])
    watch(AnswerRevision, lambda r: [f"proposal:{r.answer.proposal_id}"])
    for model in (CitySpace, Neighbourhood, CallForParticipation):
        watch(model, lambda obj: ["space"])
