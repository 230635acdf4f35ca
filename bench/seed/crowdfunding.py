"""Bench data for crowdfunding: at scale 1, 20,000 projects and 1,000,000 pledges (issue 6).

A third of the projects have a campaign (half open, the rest funded or not funded); pledges are spread
over the campaigns, and the denormalised totals (pledged, backers) are computed while the pledges are
written, so they equal the sum of the counted pledges exactly, as the services keep them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.context import BenchContext, Page

STAGES_WITHOUT_CAMPAIGN = ["idea", "idea", "preparation", "preparation", "completed"]


def generate(ctx: BenchContext) -> None:

    now = datetime.now(UTC)
    n_projects = ctx.count(20_000, minimum=30)
    n_pledges = ctx.count(1_000_000, minimum=100)
    first_project = ctx.max_id("crowdfunding_project") + 1
    first_campaign = ctx.max_id("crowdfunding_campaign") + 1
    first_pledge = ctx.max_id("crowdfunding_pledge") + 1
    first_need = ctx.max_id("crowdfunding_timeneed") + 1

    # Decide the projects and their campaigns first (in memory: a few MB at scale 1).
    projects, campaigns = [], []
    for i in range(n_projects):
        pid = first_project + i
        city = ctx.city()
        lang = city.language
        has_campaign = ctx.rng.random() < 0.33
        campaign_id = None
        if has_campaign:
            campaign_id = first_campaign + len(campaigns)
            roll = ctx.rng.random()
            status = "open" if roll < 0.5 else ("funded" if roll < 0.85 else "not_funded")
            if status == "open":
                deadline = now + timedelta(days=ctx.rng.randint(1, 90), hours=ctx.rng.randint(0, 23))
            else:
                deadline = now - timedelta(days=ctx.rng.randint(1, 400))
            campaigns.append(
                {
                    "id": campaign_id,
                    "project": pid,
                    "goal": ctx.rng.randint(5, 500) * 1000,
                    "deadline": deadline,
                    "status": status,
                    "mode": "all_or_nothing" if ctx.rng.random() < 0.8 else "keep_what_you_raise",
                    "pledged": 0,
                    "backers": 0,
                }
            )
            stage = {"open": "funding", "funded": "funded", "not_funded": "not_funded"}[status]
        else:
            stage = ctx.rng.choice(STAGES_WITHOUT_CAMPAIGN)
        projects.append((pid, city, lang, stage, campaign_id))

    # Pledges: counted for open and funded campaigns, released for failed ones.
    weights = [3.0 if c["status"] == "open" else 1.0 for c in campaigns]
    owners = ctx.rng.choices(range(len(campaigns)), weights=weights, k=n_pledges) if campaigns else []

    def pledge_rows():
        for k, index in enumerate(owners):
            c = campaigns[index]
            amount = ctx.rng.choice((500, 1000, 1500, 2000, 2500, 5000, 10000, 20000))
            if c["status"] == "not_funded":
                status = "released"
            else:
                status = "promised" if c["status"] == "open" or ctx.rng.random() < 0.3 else "collected"
                c["pledged"] += amount
                c["backers"] += 1
            created = c["deadline"] - timedelta(days=ctx.rng.randint(1, 80), minutes=ctx.rng.randint(0, 1440))
            yield (
                first_pledge + k,
                c["id"],
                ctx.member(),
                amount,
                "EUR",
                ctx.rng.random() < 0.15,
                "",
                status,
                "offline",
                "",
                0,
                created,
                created,
            )

    ctx.copy(
        "crowdfunding_pledge",
        [
            "id",
            "campaign_id",
            "backer_id",
            "amount_cents",
            "currency",
            "is_anonymous",
            "message",
            "status",
            "gateway",
            "external_id",
            "matched_cents",
            "created_at",
            "updated_at",
        ],
        pledge_rows(),
        total=len(owners),
        desc="pledges",
    )

    def campaign_rows():
        for c in campaigns:
            closed = c["status"] != "open"
            yield (
                c["id"],
                c["project"],
                c["goal"],
                "EUR",
                c["deadline"],
                c["mode"],
                c["status"],
                c["pledged"],
                0,
                0,
                c["backers"],
                c["pledged"] if closed else None,
                None,
                c["deadline"] - timedelta(days=60),
                c["deadline"] if closed else None,
            )

    ctx.copy(
        "crowdfunding_campaign",
        [
            "id",
            "project_id",
            "goal_cents",
            "currency",
            "deadline",
            "mode",
            "status",
            "pledged_cents",
            "matched_cents",
            "partner_fixed_cents",
            "backers_count",
            "final_raised_cents",
            "opened_by_id",
            "opened_at",
            "closed_at",
        ],
        campaign_rows(),
        total=len(campaigns),
        desc="campaigns",
    )

    def need_rows():
        k = 0
        for c in campaigns:
            if c["status"] != "open":
                continue
            for _ in range(ctx.rng.randint(0, 2)):
                role = ctx.title("fr")
                wanted = ctx.rng.randint(2, 12)
                yield (
                    first_need + k,
                    c["id"],
                    role,
                    role,
                    None,
                    None,
                    wanted,
                    c["deadline"].date(),
                    ctx.rng.randint(0, wanted),
                )
                k += 1

    ctx.copy(
        "crowdfunding_timeneed",
        [
            "id",
            "campaign_id",
            "role",
            "role_fr",
            "role_en",
            "role_es",
            "people_wanted",
            "date",
            "offers_count",
        ],
        need_rows(),
        total=len(campaigns),
        desc="time needs",
    )

    def project_rows():
        for pid, city, lang, stage, campaign_id in projects:
            lat, lng = ctx.point_near(city)
            titles = {
                code: (ctx.title(code) if code == lang or ctx.rng.random() < 0.3 else None)
                for code in ("fr", "en", "es")
            }
            summary = ctx.words(lang, 10).capitalize() + "."
            description = ctx.paragraph(lang, 4)
            created = datetime.now(UTC) - timedelta(days=ctx.rng.randint(0, 1000))
            by_org = ctx.organization_ids and ctx.rng.random() < 0.4
            member = None if by_org else ctx.member()
            yield (
                pid,
                ctx.point_json(lat, lng),
                lat,
                lng,
                titles[lang],
                titles["fr"],
                titles["en"],
                titles["es"],
                summary,
                summary if lang == "fr" else None,
                summary if lang == "en" else None,
                summary if lang == "es" else None,
                description,
                description if lang == "fr" else None,
                description if lang == "en" else None,
                description if lang == "es" else None,
                lang,
                member,
                ctx.rng.choice(ctx.organization_ids) if by_org else None,
                member,
                city.id,
                stage,
                campaign_id,
                True,
                ctx.rng.randint(0, 40),
                ctx.rng.randint(0, 15),
                created,
                created,
            )

    ctx.copy(
        "crowdfunding_project",
        [
            "id",
            "point",
            "latitude",
            "longitude",
            "title",
            "title_fr",
            "title_en",
            "title_es",
            "summary",
            "summary_fr",
            "summary_en",
            "summary_es",
            "description",
            "description_fr",
            "description_en",
            "description_es",
            "language",
            "holder_member_id",
            "holder_organization_id",
            "created_by_id",
            "city_id",
            "stage",
            "current_campaign_id",
            "is_published",
            "followers_count",
            "feedback_count",
            "created_at",
            "updated_at",
        ],
        project_rows(),
        total=len(projects),
        desc="projects",
    )
    for table in (
        "crowdfunding_project",
        "crowdfunding_campaign",
        "crowdfunding_pledge",
        "crowdfunding_timeneed",
    ):
        ctx.reset_sequence(table)


def _busiest_open_campaign():
    from crowdfunding.models import Campaign

    return (
        Campaign.objects.filter(status="open")
        .order_by("-backers_count")
        .values_list("project_id", flat=True)
        .first()
    )


def _campaign_of(project_id: int):
    from crowdfunding.models import Campaign

    return Campaign.objects.filter(project_id=project_id).values_list("pk", flat=True).first()


def pages(ctx: BenchContext) -> list[Page]:
    city = ctx.cities[0]
    result = [
        Page("crowdfunding: funding list", "/fr/projects/funding/", 100, app="crowdfunding"),
        Page("crowdfunding: funding list, page 5", "/fr/projects/funding/?page=5", 100, app="crowdfunding"),
        Page("crowdfunding: funding list, page 50", "/fr/projects/funding/?page=50", 100, app="crowdfunding"),
        Page("crowdfunding: projects, page 50", "/fr/projects/?page=50", 100, app="crowdfunding"),
        Page(
            "crowdfunding: projects, stage + city",
            f"/fr/projects/?stage=idea&city={city.slug}",
            150,
            app="crowdfunding",
        ),
        # The bench vocabulary is tiny: any word matches ~40% of the projects, far more than real
        # searches do; this measures that worst case (a typo, so both branches of the search run).
        Page(
            "crowdfunding: projects, search (typo, 40% match)",
            "/fr/projects/?q=jardn",
            300,
            app="crowdfunding",
        ),
    ]
    project_id = _busiest_open_campaign()
    if project_id:
        result.append(
            Page(
                "crowdfunding: campaign page (most backers)",
                f"/fr/projects/{project_id}/",
                100,
                app="crowdfunding",
            )
        )
        campaign = _campaign_of(project_id)
        result.append(
            Page(
                "crowdfunding: pledges of the busiest campaign, page 50 (editor)",
                f"/fr/projects/campaigns/{campaign}/pledges/?page=50",
                100,
                app="crowdfunding",
                login="editor",
            )
        )
    return result


def explain(ctx: BenchContext):
    from crowdfunding.models import Campaign, Project

    project_id = _busiest_open_campaign()
    out = [
        ("crowdfunding_funding_list", Campaign.objects.open().for_list().order_by("deadline", "id")[:24]),
        (
            "crowdfunding_projects_stage_city",
            Project.objects.public().for_list().filter(stage="idea", city_id=ctx.cities[0].id)[:24],
        ),
        ("crowdfunding_projects_search", Project.objects.public().search("jardin", ranked=True)[:24]),
    ]
    if project_id:
        campaign = Campaign.objects.filter(project_id=project_id, status="open").first()
        out.append(
            (
                "crowdfunding_campaign_public_pledges",
                campaign.pledges.counted().filter(is_anonymous=False).select_related("backer")[:12],
            )
        )
    return out
