"""Demo content for events: 44 events over the demo cities (past and upcoming), a weekly series, community
board entries, one past NCZ Day with reports and photos, and one upcoming NCZ Day with 12 city editions on
5 continents. Keyed on titles/slugs, with dates relative to today: running it twice changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from civic.places.geo import point

EXTRA_CITIES = [
    # slug, fr, en, es, country, timezone, lat, lng, language
    ("dakar", "Dakar", "Dakar", "Dakar", "SN", "Africa/Dakar", 14.7167, -17.4677, "fr"),
    ("nairobi", "Nairobi", "Nairobi", "Nairobi", "KE", "Africa/Nairobi", -1.2921, 36.8219, "en"),
    (
        "melbourne",
        "Melbourne",
        "Melbourne",
        "Melbourne",
        "AU",
        "Australia/Melbourne",
        -37.8136,
        144.9631,
        "en",
    ),
]

EVENTS = [
    # kind, fr, en, es, themes, capacity
    (
        "workshop",
        "Atelier compost",
        "Composting workshop",
        "Taller de compostaje",
        ["waste", "urban-agriculture"],
        20,
    ),
    (
        "meetup",
        "Apéro des voisins solidaires",
        "Neighbours' mutual-aid drinks",
        "Encuentro de vecinos solidarios",
        ["new-solidarities"],
        None,
    ),
    (
        "conference",
        "Conférence : la ville en partage",
        "Conference: the shared city",
        "Conferencia: la ciudad compartida",
        ["participatory-housing"],
        120,
    ),
    (
        "creativity_workshop",
        "Atelier créatif : réinventer la rue",
        "Creativity workshop: reinvent the street",
        "Taller creativo: reinventar la calle",
        ["street-art", "culture"],
        15,
    ),
    (
        "screening",
        "Projection : jardins sur les toits",
        "Screening: rooftop gardens",
        "Proyección: huertos en las azoteas",
        ["urban-agriculture"],
        60,
    ),
    (
        "action",
        "Nettoyage des berges",
        "Riverbank clean-up",
        "Limpieza de la ribera",
        ["environment", "waste"],
        40,
    ),
    (
        "workshop",
        "Atelier réparation de vélos",
        "Bike repair workshop",
        "Taller de reparación de bicicletas",
        ["mobility", "recycling"],
        12,
    ),
    (
        "meetup",
        "Rencontre #Goodsharing : besoins et ressources",
        "#Goodsharing meetup: needs and resources",
        "Encuentro #Goodsharing: necesidades y recursos",
        ["new-solidarities"],
        50,
    ),
    (
        "workshop",
        "Atelier numérique pour les seniors",
        "Digital skills for seniors",
        "Taller digital para mayores",
        ["digital-inclusion", "education"],
        10,
    ),
    (
        "action",
        "Plantation d'arbres fruitiers",
        "Fruit tree planting",
        "Plantación de árboles frutales",
        ["urban-agriculture", "environment"],
        30,
    ),
    (
        "meetup",
        "Cuisine anti-gaspi partagée",
        "Zero-waste shared cooking",
        "Cocina compartida sin desperdicio",
        ["food", "waste"],
        16,
    ),
]

BOARD = [
    # city, kind, category, title, body, language
    (
        "paris",
        "need",
        "rooms",
        "Une salle pour 40 personnes un samedi",
        "Pour notre assemblée de quartier, un samedi matin en mars.",
        "fr",
    ),
    (
        "paris",
        "offer",
        "tools",
        "Prêt de tonnelles et de tables",
        "Trois tonnelles et dix tables pliantes à prêter aux associations.",
        "fr",
    ),
    (
        "paris",
        "offer",
        "skills",
        "Graphiste bénévole",
        "Je peux faire vos affiches et vos flyers, deux heures par semaine.",
        "fr",
    ),
    (
        "marseille",
        "need",
        "time",
        "Bénévoles pour le repair café",
        "Il nous manque deux personnes le samedi après-midi.",
        "fr",
    ),
    (
        "charleston",
        "offer",
        "rooms",
        "Community hall available on weekdays",
        "Our church hall seats 60 and is free on weekday evenings.",
        "en",
    ),
    (
        "barcelona",
        "need",
        "tools",
        "Herramientas de jardinería",
        "Buscamos palas y rastrillos para el huerto del barrio.",
        "es",
    ),
]

UPCOMING_EDITIONS = [
    # city, place, hour, capacity
    ("paris", "Jardin partagé des Récollets", 10, 30),
    ("marseille", "Friche de la Belle de Mai", 10, 25),
    ("besancon", "Parc Micaud", 14, 20),
    ("barcelona", "Hort del Xino", 11, 25),
    ("stockholm", "Stockholm Makers, Södermalm", 11, 20),
    ("istanbul", "Kadıköy community garden", 11, 30),
    ("charleston", "Hampton Park", 9, 25),
    ("montreal", "Jardin communautaire Mile End", 10, 30),
    ("rio-de-janeiro", "Horta da Saúde", 9, 40),
    ("manila", "Quezon Memorial Circle", 8, 40),
    ("dakar", "Jardin de la Médina", 9, 30),
    ("melbourne", "CERES Community Environment Park", 10, 35),
]

PAST_EDITIONS = [
    ("paris", "Place de la République", 10, 40, 38),
    ("marseille", "Parc Longchamp", 10, 30, 24),
    ("montreal", "Parc La Fontaine", 11, 30, 27),
    ("rio-de-janeiro", "Praia de Botafogo", 9, 50, 61),
    ("nairobi", "Karura Forest gate", 9, 40, 35),
]


def _picture(color: str) -> ContentFile:
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (640, 420), color).save(buf, "JPEG", quality=80)
    return ContentFile(buf.getvalue(), name="demo.jpg")


def _upsert(existing, fields: dict):
    """Update the first row of ``existing`` with ``fields`` (saved, so coordinates follow the point), or create it."""
    from events.models import Event

    event = existing.first() or Event()
    for key, value in fields.items():
        setattr(event, key, value)
    event.save()
    return event


def _link_to_catalogue(featured, word: str) -> None:
    """Point a featured initiative at a real catalogue entry when the initiatives app is installed
    (a generic reference: no import of that app)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    if not apps.is_installed("initiatives"):
        return
    model = apps.get_model("initiatives", "Initiative")
    target = model._default_manager.filter(title_fr__icontains=word).order_by("pk").first()
    if target is not None:
        featured.link_content_type = ContentType.objects.get_for_model(model)
        featured.link_object_id = target.pk
        featured.save(update_fields=["link_content_type", "link_object_id"])


def _aware(day, hour, tz) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz)


@transaction.atomic
def seed(stdout=None) -> None:
    from civic.accounts.models import User
    from civic.core.images import make_thumbnail
    from civic.core.models import Theme
    from civic.organizations.models import Organization
    from civic.places.models import City
    from events.models import (
        RSVP,
        CityEdition,
        CommunityBoardEntry,
        Event,
        EventReport,
        FeaturedInitiative,
        MobilisationDay,
        ReportPhoto,
    )
    from events.services import event_create

    for slug, fr, en, es, country, tz, lat, lng, lang in EXTRA_CITIES:
        City.objects.update_or_create(
            slug=slug,
            defaults={
                "name_fr": fr,
                "name_en": en,
                "name_es": es,
                "country": country,
                "timezone": tz,
                "point": point(lat, lng),
                "default_language": lang,
            },
        )
    cities = {c.slug: c for c in City.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    citizen = User.objects.get(email="citizen@civic.localhost")
    association = User.objects.get(email="association@civic.localhost")
    editor = User.objects.get(email="editor@civic.localhost")
    org = Organization.objects.filter(slug="jardins-partages-paris").first()

    neighbours = []
    for i, (name, lang) in enumerate(
        [
            ("Noor", "fr"),
            ("Lucas", "fr"),
            ("Mia", "en"),
            ("Diego", "es"),
            ("Aya", "fr"),
            ("Sam", "en"),
            ("Lea", "es"),
            ("Omar", "fr"),
        ]
    ):
        user = User.objects.filter(email=f"neighbour{i}@civic.localhost").first()
        if user is None:
            user = User.objects.create_user(email=f"neighbour{i}@civic.localhost", password=None)
        user.display_name, user.language, user.home_city = name, lang, cities["paris"]
        user.point = point(48.86 + i * 0.003, 2.34 + i * 0.004)
        user.save()
        neighbours.append(user)

    today = timezone.localdate()
    city_order = [
        "paris",
        "marseille",
        "besancon",
        "charleston",
        "rio-de-janeiro",
        "istanbul",
        "stockholm",
        "manila",
        "barcelona",
        "montreal",
    ]
    events = []
    for i in range(44):
        kind, fr, en, es, theme_slugs, capacity = EVENTS[i % len(EVENTS)]
        city = cities[city_order[i % len(city_order)]]
        day = today + timedelta(days=-40 + i * 2)
        start = _aware(day, 18 if kind in ("meetup", "conference", "screening") else 10, city.timezone)
        event = _upsert(
            Event.objects.filter(
                title_fr=f"{fr} — {city.name_fr}", city=city, series__isnull=True, edition__isnull=True
            ),
            {
                "title_fr": f"{fr} — {city.name_fr}",
                "city": city,
                "kind": kind,
                "title_en": f"{en} — {city.name_en}",
                "title_es": f"{es} — {city.name_es}",
                "description_fr": f"{fr}, ouvert à toutes et tous. Venez comme vous êtes !",
                "description_en": f"{en}, open to everyone. Come as you are!",
                "description_es": f"{es}, abierto a todo el mundo. ¡Ven como eres!",
                "place_name": f"Maison des associations, {city.name_fr}",
                "point": point(city.latitude + (i % 5) * 0.004, city.longitude + (i % 3) * 0.005),
                "starts_at": start,
                "ends_at": start + timedelta(hours=2),
                "capacity": capacity,
                "created_by": association if city.slug == "paris" else citizen,
                "organization": org if city.slug == "paris" else None,
                "languages": [city.default_language] + (["en"] if city.default_language != "en" else []),
                "is_online": False,
            },
        )
        event.themes.set([themes[s] for s in theme_slugs if s in themes])
        event.organisers.set([event.created_by])
        events.append(event)
    online_start = _aware(today + timedelta(days=9), 19, cities["paris"].timezone)
    online = _upsert(
        Event.objects.filter(title_fr="Webinaire : lancer un jardin partagé", city=cities["paris"]),
        {
            "title_fr": "Webinaire : lancer un jardin partagé",
            "city": cities["paris"],
            "title_en": "Webinar: start a shared garden",
            "title_es": "Webinario: crear un huerto compartido",
            "kind": "conference",
            "is_online": True,
            "online_url": "https://meet.example.org/civic-jardins",
            "place_name": "",
            "starts_at": online_start,
            "ends_at": online_start + timedelta(hours=1),
            "created_by": association,
            "organization": org,
            "languages": ["fr"],
        },
    )
    events.append(online)

    # RSVPs recomputed from scratch for the demo events (seats_taken kept consistent).
    RSVP.objects.filter(event__in=events).delete()
    for i, event in enumerate(events):
        going = (
            neighbours[: (i % 5) + 1] if event.capacity is None or event.capacity >= 10 else neighbours[:2]
        )
        RSVP.objects.bulk_create(
            [
                RSVP(
                    event=event, member=m, status="going", guests=0, attended=True if event.is_past else None
                )
                for m in going
            ]
        )
        Event.objects.filter(pk=event.pk).update(seats_taken=len(going))

    if not Event.objects.filter(title_fr="Repair café hebdomadaire", series__isnull=False).exists():
        first = datetime.combine(today + timedelta(days=(5 - today.weekday()) % 7 or 7), time(14))
        event_create(
            created_by=association,
            data={
                "kind": "workshop",
                "title_fr": "Repair café hebdomadaire",
                "title_en": "Weekly repair café",
                "title_es": "Repair café semanal",
                "city": cities["marseille"],
                "place_name": "Repair Café Marseille, cours Julien",
                "point": point(43.2946, 5.3835),
                "starts_at": first,
                "ends_at": first + timedelta(hours=3),
                "capacity": 15,
            },
            themes=[themes["recycling"]],
            repeat="weekly",
            until=(first + timedelta(weeks=7)).date(),
            exceptions=[(first + timedelta(weeks=3)).date()],
        )

    # Reports on a few past events.
    for event in [e for e in events if e.is_past][:6]:
        EventReport.objects.update_or_create(
            event=event,
            defaults={
                "author": event.created_by,
                "people_count": 12 + event.pk % 20,
                "text": "Une belle rencontre : **merci** à toutes et à tous. / A lovely gathering: thank you all!",
            },
        )

    for city_slug, kind, category, title, body, lang in BOARD:
        CommunityBoardEntry.objects.update_or_create(
            city=cities[city_slug],
            title=title,
            defaults={
                "author": association if kind == "offer" else citizen,
                "kind": kind,
                "category": category,
                "body": body,
                "language": lang,
            },
        )

    # --- NCZ Days ------------------------------------------------------------------------------
    upcoming, _created = MobilisationDay.objects.update_or_create(
        slug="ncz-day-compost",
        defaults={
            "date": today + timedelta(days=45),
            "title_fr": "Journée NCZ : un composteur dans chaque quartier",
            "title_en": "NCZ Day: a compost bin in every neighbourhood",
            "title_es": "Día NCZ: un compostador en cada barrio",
            "description_fr": "Le même jour, dans le monde entier, des habitants installent un composteur de quartier.",
            "description_en": "On the same day, around the world, residents set up a neighbourhood compost bin.",
            "description_es": "El mismo día, en todo el mundo, vecinos instalan un compostador de barrio.",
            "tips_fr": "Commencez petit : un bac, dix foyers. Demandez l'accord du bailleur ou de la mairie.",
            "tips_en": "Start small: one bin, ten households. Ask the landlord or city hall first.",
            "tips_es": "Empieza poco a poco: un contenedor, diez hogares. Pide permiso al propietario o al ayuntamiento.",
            "checklist_fr": "Trouver le lieu\nObtenir l'autorisation\nCommander le bac\nPréparer l'affiche\nInviter les voisins",
            "checklist_en": "Find the place\nGet permission\nOrder the bin\nPrepare the poster\nInvite the neighbours",
            "checklist_es": "Encontrar el lugar\nConseguir el permiso\nPedir el contenedor\nPreparar el cartel\nInvitar a los vecinos",
            "registration_opens": today - timedelta(days=20),
            "registration_closes": today + timedelta(days=38),
        },
    )
    upcoming.themes.set([themes["waste"], themes["urban-agriculture"]])
    compost, _created = FeaturedInitiative.objects.update_or_create(
        day=upcoming,
        position=0,
        defaults={
            "title_fr": "Le composteur de quartier de la Goutte d'Or",
            "title_en": "The Goutte d'Or neighbourhood compost bin",
            "title_es": "El compostador de barrio de la Goutte d'Or",
            "link_url": "https://www.newcityzens.org/",
        },
    )
    _link_to_catalogue(compost, "compost")
    past, _created = MobilisationDay.objects.update_or_create(
        slug="ncz-day-fresques",
        defaults={
            "date": today - timedelta(days=60),
            "title_fr": "Journée NCZ : fresques participatives",
            "title_en": "NCZ Day: participatory murals",
            "title_es": "Día NCZ: murales participativos",
            "description_fr": "Des fresques peintes avec les habitants, le même jour, dans plusieurs villes.",
            "description_en": "Murals painted with residents, on the same day, in several cities.",
            "description_es": "Murales pintados con los vecinos, el mismo día, en varias ciudades.",
            "checklist_fr": "Choisir le mur\nAcheter la peinture",
            "checklist_en": "Choose the wall\nBuy the paint",
            "checklist_es": "Elegir la pared\nComprar la pintura",
            "registration_opens": today - timedelta(days=120),
            "registration_closes": today - timedelta(days=62),
        },
    )
    past.themes.set([themes["street-art"]])
    murals, _created = FeaturedInitiative.objects.update_or_create(
        day=past,
        position=0,
        defaults={
            "title_fr": "Le mur des voisins",
            "title_en": "The neighbours' wall",
            "title_es": "El muro de los vecinos",
        },
    )

    def edition(day, initiative, city_slug, place, hour, capacity):
        city = cities[city_slug]
        start = _aware(day.date, hour, city.timezone)
        existing = CityEdition.objects.filter(day=day, event__city=city).select_related("event").first()
        fields = {
            **{
                f"title_{lang}": f"{getattr(day, f'title_{lang}')} — {getattr(city, f'name_{lang}')}"
                for lang in ("fr", "en", "es")
            },
            **{f"description_{lang}": getattr(day, f"description_{lang}") for lang in ("fr", "en", "es")},
            "kind": "action",
            "city": city,
            "place_name": place,
            "point": point(city.latitude + 0.006, city.longitude - 0.004),
            "starts_at": start,
            "ends_at": start + timedelta(hours=3),
            "capacity": capacity,
            "created_by": citizen,
            "is_published": True,
            "link_url": initiative.link_url,
            "link_title": initiative.title_fr,
        }
        if existing:
            Event.objects.filter(pk=existing.event_id).update(
                **{k: v for k, v in fields.items() if k != "point"}
            )
            event = Event.objects.get(pk=existing.event_id)
            event.point = fields["point"]
            event.save()
        else:
            event = Event.objects.create(**fields)
            existing = CityEdition.objects.create(
                day=day,
                event=event,
                organiser=citizen,
                initiative=initiative,
                status="approved",
                reviewed_by=editor,
                reviewed_at=timezone.now(),
            )
        event.organisers.set([citizen])
        RSVP.objects.filter(event=event).delete()
        going = neighbours[: 2 + event.pk % 6]
        RSVP.objects.bulk_create([RSVP(event=event, member=m, status="going") for m in going])
        Event.objects.filter(pk=event.pk).update(seats_taken=len(going))
        return existing, event

    for city_slug, place, hour, capacity in UPCOMING_EDITIONS:
        edition(upcoming, compost, city_slug, place, hour, capacity)
    colors = ["#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400"]
    for i, (city_slug, place, hour, capacity, people) in enumerate(PAST_EDITIONS):
        _edition, event = edition(past, murals, city_slug, place, hour, capacity)
        report, _created = EventReport.objects.update_or_create(
            event=event,
            defaults={
                "author": citizen,
                "people_count": people,
                "text": f"{people} voisins ont peint une fresque de 12 mètres. / {people} neighbours painted a 12-metre mural.",
            },
        )
        if not report.photos.exists():
            photo = ReportPhoto(report=report, alt=f"{event.city.name_en} mural")
            photo.image.save(f"mural-{city_slug}.jpg", _picture(colors[i % len(colors)]), save=False)
            photo.thumbnail.save(
                f"mural-{city_slug}-thumb.jpg", make_thumbnail(photo.image, name="thumb"), save=False
            )
            photo.save()

    if stdout:
        stdout.write(
            f"  events: {Event.objects.count()} events, {CityEdition.objects.count()} city editions, "
            f"{MobilisationDay.objects.count()} NCZ Days, {CommunityBoardEntry.objects.count()} board entries"
        )
