"""Every write of the crowdfunding app: atomic, validated (``full_clean()``), audited. One module per
concern (money, projects, campaigns, pledges, closing, webhooks, member_data); this package re-exports
each one's functions, so callers write ``from crowdfunding import services; services.pledge_create(…)``.

Money rules: amounts are integer cents; campaign totals change only with ``F()`` while the
campaign row is locked (``select_for_update``). Every path that counts or uncounts a pledge locks
the campaign first, then the reward tier, then the partners: one lock order, no deadlock, and
totals that always equal the sum of the counted pledges plus partner money.
"""

from crowdfunding.services.campaigns import (
    campaign_open,
    city_today,
    deadline_for,
    match_for,
    partner_add,
    reward_add,
    time_need_add,
    time_offer_create,
)
from crowdfunding.services.closing import (
    NOTIFY_BATCH,
    campaign_cancel,
    campaign_close,
    campaign_end_notify,
    campaign_receipts_notify,
    close_due_campaigns,
    pledge_settle,
    pledge_start_payment,
    project_mark_completed,
    project_post_update,
    project_update_dispatch,
    project_update_notify,
)
from crowdfunding.services.member_data import member_erase, member_export
from crowdfunding.services.money import check_amount_cents, parse_amount
from crowdfunding.services.pledges import (
    format_money,
    pledge_create,
    pledge_mark_received,
    pledge_transition,
)
from crowdfunding.services.projects import (
    LANGS,
    feedback_create,
    holder_members,
    meeting_decide,
    meeting_propose,
    project_create,
    project_edit,
    project_follow,
    project_holder_set,
    project_move_stage,
)
from crowdfunding.services.webhooks import stripe_event_handle

__all__ = [
    "check_amount_cents",
    "parse_amount",
    "LANGS",
    "feedback_create",
    "holder_members",
    "meeting_decide",
    "meeting_propose",
    "project_create",
    "project_edit",
    "project_follow",
    "project_holder_set",
    "project_move_stage",
    "campaign_open",
    "city_today",
    "deadline_for",
    "match_for",
    "partner_add",
    "reward_add",
    "time_need_add",
    "time_offer_create",
    "format_money",
    "pledge_create",
    "pledge_mark_received",
    "pledge_transition",
    "NOTIFY_BATCH",
    "campaign_cancel",
    "campaign_close",
    "campaign_end_notify",
    "campaign_receipts_notify",
    "close_due_campaigns",
    "pledge_settle",
    "pledge_start_payment",
    "project_mark_completed",
    "project_post_update",
    "project_update_dispatch",
    "project_update_notify",
    "stripe_event_handle",
    "member_erase",
    "member_export",
]
