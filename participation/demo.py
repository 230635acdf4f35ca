"""Demo content: a participation space per demo city with proposals in the city's own language,
supports, comments, answers, flags and two calls for participation. Keyed on natural keys (city +
title, member e-mails…), so running it twice changes nothing; counters are recomputed from rows."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

NEIGHBOURHOODS = {
    "paris": ["Belleville", "Montmartre", "Le Marais", "Batignolles"],
    "marseille": ["Le Panier", "La Joliette", "Noailles"],
    "besancon": ["Battant", "Planoise", "Les Chaprais"],
    "charleston": ["Downtown", "West Ashley", "James Island"],
    "rio-de-janeiro": ["Copacabana", "Lapa", "Tijuca"],
    "istanbul": ["Kadıköy", "Beşiktaş", "Fatih"],
    "stockholm": ["Södermalm", "Kungsholmen", "Vasastan"],
    "manila": ["Intramuros", "Tondo", "Makati"],
    "barcelona": ["Gràcia", "El Raval", "Poblenou"],
    "montreal": ["Le Plateau", "Verdun", "Rosemont"],
}

INTRO = {
    "fr": "Proposez vos idées pour {city}, soutenez celles qui vous tiennent à cœur : la mairie répond publiquement.",
    "en": "Share your ideas for {city} and support the ones you care about: city hall answers in public.",
    "es": "Comparte tus ideas para {city} y apoya las que te importan: el ayuntamiento responde en público.",
}

# (theme slug, title with {place}, text) per language.
IDEAS = {
    "fr": [
        (
            "urban-agriculture",
            "Un jardin partagé à {place}",
            "Transformer la friche près du marché en **jardin partagé**, ouvert aux écoles le mercredi.",
        ),
        (
            "recycling",
            "Un composteur de quartier à {place}",
            "Installer un composteur collectif géré par les habitants, avec une formation au compostage.",
        ),
        (
            "mobility",
            "Des arceaux vélo devant les écoles de {place}",
            "Il manque des places pour attacher les vélos : les parents garent sur les trottoirs.",
        ),
        (
            "mobility",
            "Une rue scolaire piétonne à {place}",
            "Fermer la rue aux voitures aux heures d'entrée et de sortie des classes.",
        ),
        (
            "environment",
            "Planter des arbres dans les cours d'école de {place}",
            "Débitumer et planter pour rafraîchir les cours pendant les canicules.",
        ),
        (
            "culture",
            "Une boîte à livres sur la place de {place}",
            "Une armoire à livres en libre-service, entretenue par la bibliothèque du quartier.",
        ),
        (
            "street-art",
            "Une fresque participative à {place}",
            "Confier le mur aveugle du gymnase à des artistes du quartier et aux enfants.",
        ),
        (
            "new-solidarities",
            "Un frigo solidaire à {place}",
            "Un réfrigérateur partagé où commerçants et habitants déposent les invendus.",
        ),
        (
            "health",
            "Des fontaines à eau potable à {place}",
            "Plus de points d'eau gratuits l'été, pour les sportifs et les personnes sans abri.",
        ),
        (
            "waste",
            "Plus de poubelles de tri à {place}",
            "Les bacs débordent le week-end : ajouter des bacs de tri et un ramassage le dimanche.",
        ),
        (
            "education",
            "Un atelier de réparation à l'école de {place}",
            "Apprendre aux enfants à réparer jouets et vélos avec des bénévoles.",
        ),
        (
            "energy",
            "Des panneaux solaires sur le gymnase de {place}",
            "Une coopérative citoyenne pour produire l'électricité des équipements publics.",
        ),
        (
            "digital-inclusion",
            "Une permanence numérique à {place}",
            "Aider les aînés à faire leurs démarches en ligne, deux après-midi par semaine.",
        ),
        (
            "food",
            "Un marché de producteurs locaux à {place}",
            "Un marché hebdomadaire en circuit court, le samedi matin.",
        ),
        (
            "participatory-housing",
            "Un habitat participatif sur l'ancien dépôt de {place}",
            "Réserver une parcelle à un projet d'habitat participatif et intergénérationnel.",
        ),
        (
            "environment",
            "Des bancs et de l'ombre à {place}",
            "Ajouter des bancs et des arbres pour que les aînés puissent se reposer.",
        ),
    ],
    "en": [
        (
            "urban-agriculture",
            "A community garden in {place}",
            "Turn the empty lot by the market into a **community garden**, open to schools on Wednesdays.",
        ),
        (
            "recycling",
            "A neighbourhood compost bin in {place}",
            "A shared compost bin run by residents, with a short composting workshop.",
        ),
        (
            "mobility",
            "Bike racks outside the schools of {place}",
            "There is nowhere to lock bikes, so parents park on the pavement.",
        ),
        (
            "mobility",
            "A car-free school street in {place}",
            "Close the street to cars when classes start and end.",
        ),
        (
            "environment",
            "Trees in the schoolyards of {place}",
            "Remove asphalt and plant trees to cool the yards during heatwaves.",
        ),
        (
            "culture",
            "A little free library in {place}",
            "A book-exchange box looked after by the neighbourhood library.",
        ),
        (
            "street-art",
            "A community mural in {place}",
            "Give the gym's blank wall to local artists and children.",
        ),
        (
            "new-solidarities",
            "A community fridge in {place}",
            "A shared fridge where shops and residents leave unsold food.",
        ),
        (
            "health",
            "Drinking fountains in {place}",
            "More free water points in summer for runners and people sleeping rough.",
        ),
        (
            "waste",
            "More recycling bins in {place}",
            "The bins overflow at weekends: add recycling bins and a Sunday pickup.",
        ),
        (
            "education",
            "A repair club at the school in {place}",
            "Volunteers teach children to fix toys and bikes.",
        ),
        (
            "energy",
            "Solar panels on the gym in {place}",
            "A citizens' cooperative to power public buildings.",
        ),
        (
            "digital-inclusion",
            "Digital help desk in {place}",
            "Help older residents with online forms two afternoons a week.",
        ),
        ("food", "A farmers' market in {place}", "A weekly market with local growers on Saturday mornings."),
        (
            "participatory-housing",
            "Co-housing on the old depot site in {place}",
            "Keep a plot for an intergenerational co-housing project.",
        ),
        (
            "environment",
            "Benches and shade in {place}",
            "Add benches and trees so older people can rest on their way.",
        ),
    ],
    "es": [
        (
            "urban-agriculture",
            "Un huerto comunitario en {place}",
            "Convertir el solar junto al mercado en un **huerto comunitario**, abierto a las escuelas.",
        ),
        (
            "recycling",
            "Un compostador vecinal en {place}",
            "Un compostador compartido gestionado por los vecinos, con un taller de compostaje.",
        ),
        (
            "mobility",
            "Aparcabicis frente a las escuelas de {place}",
            "No hay dónde atar las bicis y las familias aparcan en la acera.",
        ),
        (
            "mobility",
            "Una calle escolar peatonal en {place}",
            "Cerrar la calle a los coches a la entrada y salida de clase.",
        ),
        (
            "environment",
            "Árboles en los patios escolares de {place}",
            "Quitar asfalto y plantar para refrescar los patios en las olas de calor.",
        ),
        (
            "culture",
            "Una caseta de libros en {place}",
            "Un armario de intercambio de libros cuidado por la biblioteca del barrio.",
        ),
        (
            "street-art",
            "Un mural participativo en {place}",
            "Ceder la pared ciega del polideportivo a artistas del barrio y a los niños.",
        ),
        (
            "new-solidarities",
            "Una nevera solidaria en {place}",
            "Una nevera compartida donde comercios y vecinos dejan sus excedentes.",
        ),
        (
            "health",
            "Fuentes de agua potable en {place}",
            "Más puntos de agua gratuitos en verano para deportistas y personas sin hogar.",
        ),
        (
            "waste",
            "Más contenedores de reciclaje en {place}",
            "Los contenedores rebosan el fin de semana: añadir más y una recogida el domingo.",
        ),
        (
            "education",
            "Un taller de reparación en la escuela de {place}",
            "Voluntarios enseñan a los niños a reparar juguetes y bicis.",
        ),
        (
            "energy",
            "Paneles solares en el polideportivo de {place}",
            "Una cooperativa ciudadana para abastecer los edificios públicos.",
        ),
        (
            "digital-inclusion",
            "Un punto de ayuda digital en {place}",
            "Ayudar a las personas mayores con los trámites en línea dos tardes por semana.",
        ),
        (
            "food",
            "Un mercado de productores locales en {place}",
            "Un mercado semanal de proximidad los sábados por la mañana.",
        ),
        (
            "participatory-housing",
            "Vivienda colaborativa en el antiguo depósito de {place}",
            "Reservar una parcela para un proyecto de vivienda colaborativa intergeneracional.",
        ),
        (
            "environment",
            "Bancos y sombra en {place}",
            "Añadir bancos y árboles para que las personas mayores puedan descansar.",
        ),
    ],
}

COMMENTS = {
    "fr": [
        "Excellente idée, je signe des deux mains !",
        "Il faudrait penser à l'entretien.",
        "Je peux aider le samedi.",
    ],
    "en": ["Great idea, count me in!", "Who will look after it?", "I can help on Saturdays."],
    "es": [
        "¡Muy buena idea, cuenta conmigo!",
        "Habría que pensar en el mantenimiento.",
        "Puedo ayudar los sábados.",
    ],
}

ANSWERS = {
    "fr": ("accepted", "Bonne idée : les services étudient l'emplacement, travaux prévus au printemps."),
    "en": ("accepted", "Good idea: our teams are choosing the site; work is planned for the spring."),
    "es": ("under_study", "Buena idea: los servicios técnicos estudian la ubicación."),
}

RESIDENTS = [
    ("Léa", "fr"), ("Karim", "fr"), ("Sofia", "es"), ("John", "en"), ("Mei", "en"), ("Lucas", "fr"),
    ("Ana", "es"), ("Tom", "en"), ("Inès", "fr"), ("Diego", "es"), ("Noah", "en"), ("Zoé", "fr"),
]  # fmt: skip


def _residents(users):
    from allauth.account.models import EmailAddress

    from civic.accounts.models import User
    from civic.core.demo import DEMO_PASSWORD

    people = []
    for name, lang in RESIDENTS:
        email = f"resident-{name.lower().replace('é', 'e').replace('è', 'e')}@civic.localhost"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, display_name=name, language=lang
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        people.append(user)
    return people + users


@transaction.atomic
def seed(stdout=None) -> None:
    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.organizations.models import Organization
    from civic.places.geo import point
    from civic.places.models import City
    from participation import services
    from participation.models import (
        Answer,
        AnswerRevision,
        CitySpace,
        Comment,
        Flag,
        Neighbourhood,
        Proposal,
        Support,
    )

    rng = random.Random(2026)
    now = timezone.now()
    themes = {t.slug: t for t in Theme.objects.all()}
    logins = list(User.objects.filter(email__in=["citizen@civic.localhost", "association@civic.localhost"]))
    people = _residents(logins)
    official = User.objects.filter(email="official@civic.localhost").first()
    total = 0
    for city in City.objects.filter(slug__in=NEIGHBOURHOODS).order_by("slug"):
        lang = city.default_language if city.default_language in IDEAS else "en"
        CitySpace.objects.update_or_create(
            city=city,
            defaults={
                "support_threshold": 10 if city.slug == "paris" else 5,
                **{
                    f"intro_{code}": text.format(city=getattr(city, f"name_{code}") or city.name)
                    for code, text in INTRO.items()
                },
            },
        )
        hoods = []
        for name in NEIGHBOURHOODS[city.slug]:
            hood = Neighbourhood.objects.filter(city=city, name_fr=name).first()
            if hood is None:
                hood = Neighbourhood.objects.create(city=city, name_fr=name, name_en=name, name_es=name)
            hoods.append(hood)
        public_body = Organization.objects.public_bodies_of(city).first()
        for index, (theme_slug, title, text) in enumerate(IDEAS[lang]):
            hood = hoods[index % len(hoods)]
            title = title.format(place=hood.name)
            created = now - datetime.timedelta(days=rng.randint(1, 150), hours=rng.randint(0, 23))
            author = people[(index + len(city.slug)) % len(people)]
            proposal, created_now = Proposal.objects.get_or_create(
                city=city,
                title=title,
                defaults={
                    "author": author,
                    "text": text,
                    "language": lang,
                    "theme": themes.get(theme_slug) or next(iter(themes.values())),
                    "neighbourhood": hood,
                    "created_at": created,
                    "point": point(
                        city.latitude + rng.uniform(-0.03, 0.03), city.longitude + rng.uniform(-0.04, 0.04)
                    )
                    if index % 4
                    else None,
                },
            )
            total += 1
            if not created_now:
                continue
            proposal.save()  # sync latitude/longitude from the point
            n_supports = rng.choice([0, 1, 2, 3, 5, 7, 8, 11, 12, 14])
            for supporter in rng.sample(people, min(n_supports, len(people))):
                Support.objects.get_or_create(
                    proposal=proposal,
                    member=supporter,
                    defaults={"created_at": min(now, created + datetime.timedelta(days=rng.randint(0, 30)))},
                )
            for c_index in range(rng.choice([0, 0, 1, 2, 3])):
                top = Comment.objects.create(
                    proposal=proposal,
                    author=people[(index + c_index * 3) % len(people)],
                    text=COMMENTS[lang][c_index % 3],
                    created_at=created + datetime.timedelta(hours=c_index + 2),
                )
                if c_index == 1:
                    Comment.objects.create(
                        proposal=proposal,
                        author=author,
                        parent=top,
                        text=COMMENTS[lang][0],
                        created_at=created + datetime.timedelta(hours=c_index + 5),
                    )
            if index % 5 == 2 and public_body:
                status, answer_text = ANSWERS[lang]
                answer = Answer.objects.create(
                    proposal=proposal,
                    organization=public_body,
                    author=official if city.slug == "paris" else None,
                    status=status,
                    text=answer_text,
                    cost_cents=rng.choice([None, 250000, 1200000]),
                    planned_date=(now + datetime.timedelta(days=90)).date(),
                )
                AnswerRevision.objects.create(
                    answer=answer,
                    author=answer.author,
                    status=status,
                    text=answer_text,
                    cost_cents=answer.cost_cents,
                    planned_date=answer.planned_date,
                )
                proposal.status = status
                proposal.answered_at = created + datetime.timedelta(days=rng.randint(5, 40))
                proposal.save(update_fields=["status", "answered_at"])
            if index in (5, 11):  # flagged once or twice: in the moderation queue, still visible
                for flagger in people[-(1 + index % 2) :]:
                    if flagger.pk != author.pk:
                        Flag.objects.get_or_create(
                            proposal=proposal, member=flagger, defaults={"reason": "off_topic"}
                        )
            if index == 13 and city.slug == "paris":  # three members flagged it: hidden until reviewed
                for flagger in people[:3]:
                    Flag.objects.get_or_create(proposal=proposal, member=flagger, defaults={"reason": "spam"})
                Proposal.objects.filter(pk=proposal.pk).update(
                    is_hidden=True, review_pending=True, moderation_reason="auto"
                )

        # Counters recomputed from the rows: exact whatever ran before.
        city_proposals = Proposal.objects.filter(city=city)
        city_proposals.update(
            supports_count=Coalesce(
                Subquery(
                    Support.objects.filter(proposal=OuterRef("pk"))
                    .values("proposal")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            ),
            comments_count=Coalesce(
                Subquery(
                    Comment.objects.filter(proposal=OuterRef("pk"), is_hidden=False, is_deleted=False)
                    .values("proposal")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            ),
        )
        services.stats_rebuild(city=city)
        threshold = CitySpace.objects.get(city=city).support_threshold
        city_proposals.filter(threshold_reached_at__isnull=True, supports_count__gte=threshold).update(
            threshold_reached_at=now
        )

    _seed_calls(now, people)
    if stdout:
        stdout.write(f"  participation: {CitySpace.objects.count()} spaces, {total} proposals, 2+ calls")


def _seed_calls(now, people) -> None:
    from civic.organizations.models import Organization
    from participation.models import CallForParticipation, CallResponse

    calls = [
        (
            "mairie-de-paris",
            "Atelier : dessinons ensemble le futur parc de Belleville",
            "La mairie cherche des habitants pour **deux ateliers** sur l'aménagement du futur parc : jeux, ombre, "
            "jardins. Inscrivez-vous, nous vous recontacterons.",
        ),
        (
            "jardins-partages-paris",
            "Racontez-nous votre rue",
            "Notre association recense les coins de rue qui pourraient devenir des jardins. Dites-nous où, et si "
            "vous voulez participer aux plantations.",
        ),
    ]
    for slug, title, description in calls:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            continue
        call, created = CallForParticipation.objects.get_or_create(
            city=org.city,
            title=title,
            defaults={
                "organization": org,
                "description": description,
                "ends_on": (now + datetime.timedelta(days=45)).date(),
            },
        )
        if created:
            for i, member in enumerate(people[:5]):
                CallResponse.objects.get_or_create(
                    call=call,
                    member=member,
                    defaults={"message": "Je serai là !" if i % 2 else "", "consent_to_share": i % 2 == 0},
                )
        CallForParticipation.objects.filter(pk=call.pk).update(responses_count=call.responses.count())
