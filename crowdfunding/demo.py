"""Demo content for crowdfunding: 30 projects across stages and cities (fr/en/es), 12 with
campaigns (running, funded, one failed), partners with match-funding (Mairie de Paris, GreenWorks SA),
rewards and time needs. Keyed on the French title and the city: running it twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from civic.places.geo import point

# key, city, holder ("citizen", "association" or an organisation slug), stage, themes,
# (title fr, en, es), (summary fr, en, es)
PROJECTS = [
    (
        "bancs-voltaire",
        "paris",
        "citizen",
        "funding",
        ["new-solidarities"],
        ("Des bancs pour le square Voltaire", "Benches for Voltaire square", "Bancos para la plaza Voltaire"),
        (
            "Construire six bancs en bois avec les habitants.",
            "Build six wooden benches with the neighbours.",
            "Construir seis bancos de madera con los vecinos.",
        ),
    ),
    (
        "jardin-ecole",
        "paris",
        "jardins-partages-paris",
        "funding",
        ["urban-agriculture", "education"],
        (
            "Un potager pour l'école Belleville",
            "A vegetable garden for Belleville school",
            "Un huerto para la escuela Belleville",
        ),
        (
            "Des bacs de culture dans la cour, entretenus par les élèves.",
            "Planters in the schoolyard, tended by pupils.",
            "Jardineras en el patio, cuidadas por los alumnos.",
        ),
    ),
    (
        "aire-jeux",
        "paris",
        "association",
        "funded",
        ["health", "new-solidarities"],
        (
            "Une aire de jeux accessible à tous",
            "A playground open to every child",
            "Un parque infantil para todos",
        ),
        (
            "Des jeux adaptés aux enfants en situation de handicap.",
            "Play equipment for children with disabilities.",
            "Juegos adaptados a niños con discapacidad.",
        ),
    ),
    (
        "compost-11e",
        "paris",
        "citizen",
        "funded",
        ["waste", "recycling"],
        (
            "Composteur collectif du 11e",
            "Shared composter in the 11th",
            "Compostador colectivo del distrito 11",
        ),
        (
            "Trois bacs de compost pour 200 foyers.",
            "Three compost bins for 200 households.",
            "Tres compostadores para 200 hogares.",
        ),
    ),
    (
        "frigo-solidaire",
        "paris",
        "jardins-partages-paris",
        "not_funded",
        ["food", "new-solidarities"],
        (
            "Un frigo solidaire rue Oberkampf",
            "A community fridge on Oberkampf street",
            "Una nevera solidaria en la calle Oberkampf",
        ),
        (
            "Déposer et prendre des produits frais, gratuitement.",
            "Leave and take fresh food, for free.",
            "Dejar y tomar productos frescos, gratis.",
        ),
    ),
    (
        "repair-velo",
        "marseille",
        "repair-cafe-marseille",
        "funding",
        ["recycling", "mobility"],
        ("Un atelier de réparation mobile", "A mobile repair workshop", "Un taller de reparación móvil"),
        (
            "Un triporteur équipé pour réparer dans les quartiers nord.",
            "A cargo bike kitted out to repair in the northern districts.",
            "Un triciclo equipado para reparar en los barrios del norte.",
        ),
    ),
    (
        "calanques-propres",
        "marseille",
        "citizen",
        "funded",
        ["environment", "waste"],
        ("Calanques propres", "Clean calanques", "Calas limpias"),
        (
            "Des journées de ramassage et des poubelles de tri.",
            "Clean-up days and sorting bins.",
            "Jornadas de limpieza y papeleras de reciclaje.",
        ),
    ),
    (
        "velo-ecole",
        "besancon",
        "velo-solidaire-besancon",
        "funding",
        ["mobility", "education"],
        ("Vélo-école pour adultes", "Cycling school for adults", "Escuela de bicicleta para adultos"),
        (
            "Apprendre à rouler en ville, à tout âge.",
            "Learn to ride in town, at any age.",
            "Aprender a ir en bici por la ciudad, a cualquier edad.",
        ),
    ),
    (
        "compost-charleston",
        "charleston",
        "lowcountry-compost",
        "funding",
        ["waste", "urban-agriculture"],
        ("Compost de quartier à Charleston", "Neighbourhood compost hub", "Compost vecinal en Charleston"),
        (
            "Une station de compost et des ateliers du samedi.",
            "A compost hub and Saturday workshops.",
            "Una estación de compost y talleres los sábados.",
        ),
    ),
    (
        "horta-favela",
        "rio-de-janeiro",
        "horta-carioca",
        "funded",
        ["urban-agriculture", "food"],
        ("Potager sur les toits de Rocinha", "Rooftop garden in Rocinha", "Huerto en las azoteas de Rocinha"),
        (
            "Cultiver des légumes sur dix toits.",
            "Growing vegetables on ten rooftops.",
            "Cultivar verduras en diez azoteas.",
        ),
    ),
    (
        "frigo-kadikoy",
        "istanbul",
        "istanbul-food-bank",
        "funding",
        ["food", "new-solidarities"],
        ("Frigos solidaires à Kadıköy", "Community fridges in Kadıköy", "Neveras solidarias en Kadıköy"),
        (
            "Cinq frigos partagés devant les commerces.",
            "Five shared fridges outside shops.",
            "Cinco neveras compartidas frente a comercios.",
        ),
    ),
    (
        "fablab-quartier",
        "stockholm",
        "stockholm-makers",
        "funding",
        ["digital-inclusion", "education"],
        ("Un fablab de quartier", "A neighbourhood fab lab", "Un fablab de barrio"),
        (
            "Imprimantes 3D et cours gratuits pour les jeunes.",
            "3D printers and free lessons for young people.",
            "Impresoras 3D y cursos gratuitos para jóvenes.",
        ),
    ),
    # Ideas, projects in preparation and completed ones (no campaign).
    (
        "ruelle-verte",
        "montreal",
        "citizen",
        "idea",
        ["environment"],
        ("Une ruelle verte", "A green alley", "Un callejón verde"),
        (
            "Remplacer l'asphalte par des plantes grimpantes.",
            "Replace asphalt with climbing plants.",
            "Sustituir el asfalto por plantas trepadoras.",
        ),
    ),
    (
        "bibliotheque-rue",
        "paris",
        "citizen",
        "idea",
        ["culture", "education"],
        ("Boîtes à livres dans le 20e", "Book boxes in the 20th", "Cajas de libros en el distrito 20"),
        (
            "Dix boîtes à livres en bois local.",
            "Ten book boxes in local wood.",
            "Diez cajas de libros de madera local.",
        ),
    ),
    (
        "fresque-ecole",
        "marseille",
        "citizen",
        "preparation",
        ["street-art"],
        ("Une fresque avec les enfants", "A mural with the children", "Un mural con los niños"),
        (
            "Peindre le mur du gymnase avec l'école voisine.",
            "Paint the gym wall with the nearby school.",
            "Pintar el muro del gimnasio con la escuela vecina.",
        ),
    ),
    (
        "toits-solaires",
        "besancon",
        "velo-solidaire-besancon",
        "preparation",
        ["energy"],
        ("Des panneaux solaires citoyens", "Citizen solar panels", "Paneles solares ciudadanos"),
        (
            "Une coopérative d'énergie pour l'atelier.",
            "An energy cooperative for the workshop.",
            "Una cooperativa de energía para el taller.",
        ),
    ),
    (
        "cafe-numerique",
        "manila",
        "manila-bayanihan",
        "preparation",
        ["digital-inclusion"],
        ("Un café numérique", "A digital café", "Un café digital"),
        (
            "Aider les aînés à utiliser leur téléphone.",
            "Helping elders use their phones.",
            "Ayudar a los mayores a usar el móvil.",
        ),
    ),
    (
        "pedibus",
        "barcelona",
        "citizen",
        "idea",
        ["mobility", "education"],
        ("Un pédibus pour l'école", "A walking bus to school", "Un pedibús para la escuela"),
        (
            "Accompagner les enfants à pied, chaque matin.",
            "Walking children to school every morning.",
            "Acompañar a los niños a pie cada mañana.",
        ),
    ),
    (
        "grainotheque",
        "montreal",
        "citizen",
        "preparation",
        ["urban-agriculture"],
        ("Une grainothèque", "A seed library", "Una biblioteca de semillas"),
        (
            "Échanger des semences locales à la bibliothèque.",
            "Swapping local seeds at the library.",
            "Intercambiar semillas locales en la biblioteca.",
        ),
    ),
    (
        "ruches-toits",
        "paris",
        "association",
        "completed",
        ["environment", "urban-agriculture"],
        ("Des ruches sur les toits", "Beehives on the roofs", "Colmenas en los tejados"),
        (
            "Quatre ruches et un miel du quartier.",
            "Four hives and a neighbourhood honey.",
            "Cuatro colmenas y una miel del barrio.",
        ),
    ),
    (
        "cantine-solidaire",
        "marseille",
        "repair-cafe-marseille",
        "completed",
        ["food", "new-solidarities"],
        ("Une cantine solidaire", "A solidarity canteen", "Un comedor solidario"),
        (
            "Des repas à prix libre, cuisinés ensemble.",
            "Pay-what-you-can meals cooked together.",
            "Comidas a precio libre, cocinadas juntos.",
        ),
    ),
    (
        "piste-skate",
        "charleston",
        "citizen",
        "idea",
        ["culture", "health"],
        ("Un skatepark de quartier", "A neighbourhood skatepark", "Un skatepark de barrio"),
        (
            "Transformer un parking vide en skatepark.",
            "Turn an empty car park into a skatepark.",
            "Convertir un aparcamiento vacío en skatepark.",
        ),
    ),
    (
        "terrain-foot",
        "rio-de-janeiro",
        "horta-carioca",
        "idea",
        ["health"],
        ("Un terrain de foot pour tous", "A football pitch for all", "Una cancha de fútbol para todos"),
        (
            "Rénover le terrain en terre de la colline.",
            "Renovate the dirt pitch on the hill.",
            "Renovar la cancha de tierra de la colina.",
        ),
    ),
    (
        "atelier-couture",
        "istanbul",
        "istanbul-food-bank",
        "preparation",
        ["new-solidarities"],
        ("Un atelier couture solidaire", "A solidarity sewing workshop", "Un taller de costura solidario"),
        (
            "Réparer et créer des vêtements ensemble.",
            "Mending and making clothes together.",
            "Reparar y crear ropa juntos.",
        ),
    ),
    (
        "velos-cargo",
        "stockholm",
        "stockholm-makers",
        "idea",
        ["mobility"],
        ("Des vélos-cargos partagés", "Shared cargo bikes", "Bicicletas de carga compartidas"),
        (
            "Trois vélos-cargos en libre-service.",
            "Three cargo bikes to borrow.",
            "Tres bicicletas de carga en préstamo.",
        ),
    ),
    (
        "jardin-pluie",
        "manila",
        "manila-bayanihan",
        "idea",
        ["environment"],
        ("Un jardin de pluie", "A rain garden", "Un jardín de lluvia"),
        (
            "Absorber les averses avec des plantes.",
            "Soaking up downpours with plants.",
            "Absorber los aguaceros con plantas.",
        ),
    ),
    (
        "mur-escalade",
        "barcelona",
        "citizen",
        "preparation",
        ["health", "culture"],
        ("Un mur d'escalade de quartier", "A neighbourhood climbing wall", "Un rocódromo de barrio"),
        (
            "Un mur d'escalade gratuit au centre civique.",
            "A free climbing wall at the civic centre.",
            "Un rocódromo gratuito en el centro cívico.",
        ),
    ),
    (
        "repair-cafe-besancon",
        "besancon",
        "velo-solidaire-besancon",
        "completed",
        ["recycling"],
        ("Un repair café mensuel", "A monthly repair café", "Un repair café mensual"),
        (
            "Réparer plutôt que jeter, un samedi par mois.",
            "Repair rather than throw away, one Saturday a month.",
            "Reparar en lugar de tirar, un sábado al mes.",
        ),
    ),
    (
        "kiosque-musique",
        "paris",
        "citizen",
        "idea",
        ["culture"],
        ("Concerts au kiosque", "Concerts at the bandstand", "Conciertos en el quiosco"),
        (
            "Rouvrir le kiosque du parc aux musiciens amateurs.",
            "Reopen the park bandstand to amateur musicians.",
            "Reabrir el quiosco del parque a músicos aficionados.",
        ),
    ),
    (
        "eclairage-solaire",
        "manila",
        "manila-bayanihan",
        "completed",
        ["energy"],
        ("Lampadaires solaires", "Solar street lights", "Farolas solares"),
        (
            "Éclairer les ruelles sans facture.",
            "Lighting the alleys with no bill.",
            "Iluminar los callejones sin factura.",
        ),
    ),
]

# key: goal (€), days (negative: already ended), mode, pledges (€ amounts), match partner,
# rewards, time needs
CAMPAIGNS = {
    "bancs-voltaire": (
        3000,
        25,
        "all_or_nothing",
        [50, 20, 100, 35],
        "mairie-de-paris",
        [("Une plaque à votre nom", "A plaque with your name", "Una placa con tu nombre", 100, 6)],
        [("Construire les bancs", "Build the benches", "Construir los bancos", 4, 20)],
    ),
    "jardin-ecole": (
        1500,
        40,
        "all_or_nothing",
        [30, 15, 60],
        "green-company",
        [("Un panier de légumes", "A basket of vegetables", "Una cesta de verduras", 25, 20)],
        [
            (
                "Remplir les bacs de terre",
                "Fill the planters with soil",
                "Llenar las jardineras de tierra",
                6,
                30,
            )
        ],
    ),
    "aire-jeux": (
        8000,
        -3,
        "all_or_nothing",
        [2500, 1500, 2000, 800, 1500],
        "mairie-de-paris",
        [],
        [("Poser le sol souple", "Lay the soft ground", "Colocar el suelo blando", 5, 10)],
    ),
    "compost-11e": (600, -10, "all_or_nothing", [200, 150, 300], None, [], []),
    "frigo-solidaire": (2500, -5, "all_or_nothing", [100, 40], None, [], []),
    "repair-velo": (
        4000,
        30,
        "keep_what_you_raise",
        [120, 80],
        None,
        [("Une réparation offerte", "A free repair", "Una reparación gratis", 40, 15)],
        [("Réparateurs bénévoles", "Volunteer repairers", "Reparadores voluntarios", 3, 35)],
    ),
    "calanques-propres": (1200, -20, "keep_what_you_raise", [300, 250, 400, 100], None, [], []),
    "velo-ecole": (
        2000,
        55,
        "all_or_nothing",
        [40],
        None,
        [],
        [("Moniteurs du samedi", "Saturday instructors", "Monitores del sábado", 2, 45)],
    ),
    "compost-charleston": (
        1800,
        20,
        "all_or_nothing",
        [75, 60, 90],
        None,
        [],
        [("Tamiser le compost", "Sift the compost", "Tamizar el compost", 4, 14)],
    ),
    "horta-favela": (5000, -15, "all_or_nothing", [2000, 1800, 1500], None, [], []),
    "frigo-kadikoy": (
        2200,
        35,
        "all_or_nothing",
        [100, 120],
        None,
        [],
        [("Nettoyer les frigos", "Clean the fridges", "Limpiar las neveras", 5, 28)],
    ),
    "fablab-quartier": (
        6000,
        70,
        "keep_what_you_raise",
        [500],
        "green-company",
        [("Un cours d'impression 3D", "A 3D printing class", "Una clase de impresión 3D", 50, 10)],
        [("Animer un atelier", "Run a workshop", "Animar un taller", 3, 60)],
    ),
}

BACKERS = [
    ("crowd.lea@civic.localhost", "Léa Martin", "fr"),
    ("crowd.sam@civic.localhost", "Sam Taylor", "en"),
    ("crowd.lucia@civic.localhost", "Lucía Gómez", "es"),
    ("crowd.karim@civic.localhost", "Karim Benali", "fr"),
    ("crowd.ines@civic.localhost", "Inès Dupont", "fr"),
]
DESCRIPTION = {
    "fr": "{summary}\n\n## Pourquoi\nParce que le quartier en a besoin et que les habitants veulent agir.\n\n"
    "## Comment aider\n- donnez votre avis,\n- venez à une réunion,\n- soutenez la campagne.",
    "en": "{summary}\n\n## Why\nBecause the neighbourhood needs it and residents want to act.\n\n"
    "## How to help\n- give feedback,\n- come to a meeting,\n- back the campaign.",
    "es": "{summary}\n\n## Por qué\nPorque el barrio lo necesita y los vecinos quieren actuar.\n\n"
    "## Cómo ayudar\n- da tu opinión,\n- ven a una reunión,\n- apoya la campaña.",
}


def _member(email, name, language):
    from allauth.account.models import EmailAddress

    from civic.accounts.models import User
    from civic.core.demo import DEMO_PASSWORD

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name=name, language=language
        )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed(stdout=None) -> None:
    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.organizations.models import Membership, Organization
    from civic.places.models import City
    from crowdfunding.models import Campaign, Project

    if not City.objects.filter(slug="paris").exists():
        return
    cities = {c.slug: c for c in City.objects.all()}
    orgs = {o.slug: o for o in Organization.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    people = {
        "citizen": User.objects.get(email="citizen@civic.localhost"),
        "association": User.objects.get(email="association@civic.localhost"),
        "official": User.objects.get(email="official@civic.localhost"),
    }
    backers = [_member(*b) for b in BACKERS]
    green = _member("crowd.greenworks@civic.localhost", "Gabriel GreenWorks", "fr")
    if "green-company" in orgs:
        Membership.objects.get_or_create(organization=orgs["green-company"], user=green)

    created = 0
    for index, (key, city_slug, holder, stage, theme_slugs, titles, summaries) in enumerate(PROJECTS):
        city = cities.get(city_slug)
        if city is None or Project.objects.filter(title_fr=titles[0], city=city).exists():
            continue
        with transaction.atomic():
            project = _project(index, city, holder, stage, titles, summaries, people, orgs)
            project.themes.set([themes[s] for s in theme_slugs if s in themes])
            if key in CAMPAIGNS:
                _campaign(project, CAMPAIGNS[key], stage, people, backers, orgs, green)
            _contributions(project, backers, index)
        created += 1
    if stdout:
        stdout.write(
            f"  crowdfunding: {created} new projects ({Project.objects.count()} in all, "
            f"{Campaign.objects.count()} campaigns)"
        )


def _project(index, city, holder, stage, titles, summaries, people, orgs):
    from crowdfunding.models import Project

    lang = city.default_language if city.default_language in ("fr", "en", "es") else "fr"
    project = Project(
        city=city,
        stage="idea" if stage in ("funding", "funded", "not_funded") else stage,
        language=lang,
        point=point(city.latitude + 0.01 * ((index % 5) - 2), city.longitude + 0.012 * ((index % 3) - 1)),
    )
    if holder in people:
        project.holder_member = people[holder]
        project.created_by = people[holder]
    else:
        project.holder_organization = orgs[holder]
    for i, code in enumerate(("fr", "en", "es")):
        setattr(project, f"title_{code}", titles[i])
        setattr(project, f"summary_{code}", summaries[i])
        setattr(project, f"description_{code}", DESCRIPTION[code].format(summary=summaries[i]))
    project.full_clean()
    project.save()
    return project


def _manager(project, people):
    """Someone allowed to act as the holder (the member, or a member of the organisation)."""
    from civic.organizations.models import Membership

    if project.holder_member_id:
        return project.holder_member
    membership = Membership.objects.filter(organization_id=project.holder_organization_id).first()
    if membership:
        return membership.user
    # Organisations without a demo login: the editor manages their projects.
    from civic.accounts.models import User

    return User.objects.get(email="editor@civic.localhost")


def _campaign(project, spec, stage, people, backers, orgs, green):
    from crowdfunding import services
    from crowdfunding.models import Campaign

    goal, days, mode, pledges, partner, rewards, needs = spec
    manager = _manager(project, people)
    campaign = services.campaign_open(
        project=project,
        by=manager,
        goal_cents=goal * 100,
        deadline_day=services.city_today(project.city) + timedelta(days=max(days, 5)),
        mode=mode,
    )
    if partner == "mairie-de-paris" and partner in orgs:
        services.partner_add(
            campaign=campaign,
            organization=orgs[partner],
            by=people["official"],
            kind="match",
            match_cap_per_pledge_cents=5000,
            match_total_cap_cents=100_000,
        )
    elif partner == "green-company" and partner in orgs:
        services.partner_add(
            campaign=campaign, organization=orgs[partner], by=green, kind="fixed", fixed_cents=goal * 100 // 5
        )
    for fr, en, es, amount, quantity in rewards:
        tier = services.reward_add(
            campaign=campaign, by=manager, title=fr, min_amount_cents=amount * 100, quantity=quantity
        )
        tier.title_en, tier.title_es = en, es
        tier.save(update_fields=["title_en", "title_es"])
    for fr, en, es, wanted, in_days in needs:
        need = services.time_need_add(
            campaign=campaign,
            by=manager,
            role=fr,
            people_wanted=wanted,
            day=services.city_today(project.city) + timedelta(days=in_days),
        )
        need.role_en, need.role_es = en, es
        need.save(update_fields=["role_en", "role_es"])
        for member in backers[: min(2, wanted)]:
            services.time_offer_create(need=need, member=member, message="")
    for i, amount in enumerate(pledges):
        services.pledge_create(
            campaign=campaign,
            backer=backers[i % len(backers)],
            amount_cents=amount * 100,
            is_anonymous=i == 3,
            message=["Bravo !", "Great idea", "¡Ánimo!", "", "Hâte de voir ça"][i % 5],
        )
    if days < 0:
        # An ended campaign: its deadline passed, the end task closed it.
        Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() + timedelta(days=days))
        services.campaign_close(campaign_id=campaign.pk)


def _contributions(project, backers, index):
    from crowdfunding.models import MeetingStatus
    from crowdfunding.services import feedback_create, meeting_decide, meeting_propose, project_follow

    kinds = ["suggestion", "question", "offer_of_help"]
    texts = {
        "suggestion": "Pensez à un accès pour les poussettes.",
        "question": "Quand commencez-vous les travaux ?",
        "offer_of_help": "Je peux prêter des outils.",
    }
    for i in range(index % 3 + 1):
        author = backers[(index + i) % len(backers)]
        if author.pk in (project.holder_member_id,):
            continue
        kind = kinds[(index + i) % 3]
        feedback_create(project=project, author=author, kind=kind, body=texts[kind])
        project_follow(project=project, member=author)
    if index % 4 == 0:
        meeting = meeting_propose(
            project=project,
            member=backers[index % len(backers)],
            starts_at=timezone.now() + timedelta(days=7 + index % 10, hours=2),
            place="Maison des associations",
            purpose="Rencontre avec les habitants",
        )
        holder = _manager(project, {})
        if holder is not None:
            meeting_decide(meeting=meeting, by=holder, accept=meeting.status == MeetingStatus.PROPOSED)
