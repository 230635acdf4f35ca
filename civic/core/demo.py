"""Kernel demo content: cities on several continents, themes in fr/en/es, organisations and the
four demo logins. ``seed_demo`` runs this, then ``<app>.demo.seed(stdout)`` of each feature app
that has one. Everything is keyed on slugs/emails, so running it twice changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import transaction

from civic.places.geo import point

DEMO_PASSWORD = "civic-demo-2026"

CITIES = [
    # slug, fr, en, es, country, timezone, lat, lng, language
    ("paris", "Paris", "Paris", "París", "FR", "Europe/Paris", 48.8566, 2.3522, "fr"),
    ("marseille", "Marseille", "Marseille", "Marsella", "FR", "Europe/Paris", 43.2965, 5.3698, "fr"),
    ("besancon", "Besançon", "Besançon", "Besanzón", "FR", "Europe/Paris", 47.2378, 6.0241, "fr"),
    (
        "charleston",
        "Charleston",
        "Charleston",
        "Charleston",
        "US",
        "America/New_York",
        32.7765,
        -79.9311,
        "en",
    ),
    (
        "rio-de-janeiro",
        "Rio de Janeiro",
        "Rio de Janeiro",
        "Río de Janeiro",
        "BR",
        "America/Sao_Paulo",
        -22.9068,
        -43.1729,
        "es",
    ),
    ("istanbul", "Istanbul", "Istanbul", "Estambul", "TR", "Europe/Istanbul", 41.0082, 28.9784, "en"),
    ("stockholm", "Stockholm", "Stockholm", "Estocolmo", "SE", "Europe/Stockholm", 59.3293, 18.0686, "en"),
    ("manila", "Manille", "Manila", "Manila", "PH", "Asia/Manila", 14.5995, 120.9842, "en"),
    ("barcelona", "Barcelone", "Barcelona", "Barcelona", "ES", "Europe/Madrid", 41.3874, 2.1686, "es"),
    ("montreal", "Montréal", "Montreal", "Montreal", "CA", "America/Toronto", 45.5019, -73.5674, "fr"),
]

THEMES = [
    # slug, icon (static/icons/lucide/), fr, en, es
    ("urban-agriculture", "sprout", "Agriculture urbaine", "Urban agriculture", "Agricultura urbana"),
    (
        "participatory-housing",
        "house",
        "Habitat participatif",
        "Participatory housing",
        "Vivienda participativa",
    ),
    ("recycling", "recycle", "Recyclage", "Recycling", "Reciclaje"),
    ("street-art", "palette", "Art urbain", "Street art", "Arte urbano"),
    ("new-solidarities", "handshake", "Nouvelles solidarités", "New solidarities", "Nuevas solidaridades"),
    ("health", "heart-pulse", "Santé", "Health", "Salud"),
    ("education", "book-open", "Éducation", "Education", "Educación"),
    ("waste", "trash-2", "Déchets", "Waste", "Residuos"),
    ("mobility", "bike", "Mobilité", "Mobility", "Movilidad"),
    ("culture", "drama", "Culture", "Culture", "Cultura"),
    ("environment", "earth", "Environnement", "Environment", "Medio ambiente"),
    ("food", "carrot", "Alimentation", "Food", "Alimentación"),
    ("energy", "zap", "Énergie", "Energy", "Energía"),
    ("digital-inclusion", "laptop", "Inclusion numérique", "Digital inclusion", "Inclusión digital"),
]

ORGANIZATIONS = [
    # slug, name, kind, city, description fr / en / es
    (
        "mairie-de-paris",
        "Mairie de Paris",
        "public_body",
        "paris",
        "La ville de Paris, partenaire des initiatives citoyennes.",
        "The City of Paris, partner of citizen initiatives.",
        "El Ayuntamiento de París, socio de las iniciativas ciudadanas.",
    ),
    (
        "ville-de-marseille",
        "Ville de Marseille",
        "public_body",
        "marseille",
        "La ville de Marseille.",
        "The City of Marseille.",
        "El Ayuntamiento de Marsella.",
    ),
    (
        "ville-de-besancon",
        "Ville de Besançon",
        "public_body",
        "besancon",
        "La ville de Besançon.",
        "The City of Besançon.",
        "El Ayuntamiento de Besanzón.",
    ),
    (
        "city-of-charleston",
        "City of Charleston",
        "public_body",
        "charleston",
        "La ville de Charleston.",
        "The City of Charleston.",
        "La ciudad de Charleston.",
    ),
    (
        "jardins-partages-paris",
        "Jardins partagés de Paris",
        "association",
        "paris",
        "Une association qui crée et anime des jardins partagés dans les quartiers.",
        "An association that creates and runs shared gardens in the neighbourhoods.",
        "Una asociación que crea y anima huertos compartidos en los barrios.",
    ),
    (
        "repair-cafe-marseille",
        "Repair Café Marseille",
        "collective",
        "marseille",
        "Un collectif de bénévoles qui réparent avec vous vos objets du quotidien.",
        "A collective of volunteers who repair your everyday objects with you.",
        "Un colectivo de voluntarios que reparan contigo tus objetos cotidianos.",
    ),
    (
        "velo-solidaire-besancon",
        "Vélo solidaire Besançon",
        "association",
        "besancon",
        "Un atelier vélo participatif et solidaire.",
        "A participatory, solidarity bike workshop.",
        "Un taller de bicicletas participativo y solidario.",
    ),
    (
        "lowcountry-compost",
        "Lowcountry Compost Collective",
        "collective",
        "charleston",
        "Compostage de quartier à Charleston.",
        "Neighbourhood composting in Charleston.",
        "Compostaje vecinal en Charleston.",
    ),
    (
        "horta-carioca",
        "Horta Carioca",
        "association",
        "rio-de-janeiro",
        "Des potagers urbains dans les favelas de Rio.",
        "Urban vegetable gardens in Rio's favelas.",
        "Huertos urbanos en las favelas de Río.",
    ),
    (
        "istanbul-food-bank",
        "Istanbul Community Fridge",
        "association",
        "istanbul",
        "Des frigos solidaires dans les quartiers d'Istanbul.",
        "Solidarity fridges in Istanbul's neighbourhoods.",
        "Neveras solidarias en los barrios de Estambul.",
    ),
    (
        "stockholm-makers",
        "Stockholm Makers",
        "social_enterprise",
        "stockholm",
        "Un fablab ouvert aux habitants.",
        "A fab lab open to residents.",
        "Un fablab abierto a los vecinos.",
    ),
    (
        "manila-bayanihan",
        "Bayanihan Manila",
        "association",
        "manila",
        "Entraide de quartier à Manille.",
        "Neighbourhood mutual aid in Manila.",
        "Ayuda mutua vecinal en Manila.",
    ),
    (
        "green-company",
        "GreenWorks SA",
        "company",
        "paris",
        "Une entreprise qui soutient des projets locaux.",
        "A company that backs local projects.",
        "Una empresa que apoya proyectos locales.",
    ),
]

LOGINS = [
    # email, display name, role, extra
    ("citizen@civic.localhost", "Camille Citizen", "citizen"),
    ("association@civic.localhost", "Ali Association", "association"),
    ("official@civic.localhost", "Olivia Official", "official"),
    ("editor@civic.localhost", "Eddie Editor", "editor"),
]


@transaction.atomic
def seed(stdout=None) -> None:
    from allauth.account.models import EmailAddress

    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.organizations.models import Membership, Organization
    from civic.places.models import City

    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Civic"})

    cities = {}
    for slug, fr, en, es, country, tz, lat, lng, lang in CITIES:
        city, _created = City.objects.update_or_create(
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
        cities[slug] = city

    themes = {}
    for position, (slug, icon, fr, en, es) in enumerate(THEMES):
        themes[slug], _created = Theme.objects.update_or_create(
            slug=slug,
            defaults={"icon": icon, "name_fr": fr, "name_en": en, "name_es": es, "position": position},
        )

    orgs = {}
    for slug, name, kind, city_slug, dfr, den, des in ORGANIZATIONS:
        city = cities[city_slug]
        orgs[slug], _created = Organization.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "city": city,
                "description_fr": dfr,
                "description_en": den,
                "description_es": des,
                "point": point(city.latitude + 0.004, city.longitude + 0.003),
            },
        )

    people = {}
    for email, name, role in LOGINS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
        user.display_name = name
        user.home_city = cities["paris"]
        user.point = point(48.8606, 2.3376)
        user.is_staff = role == "editor"
        user.is_spotter = user.is_reporter = role in ("citizen", "editor")
        user.is_shaker = role == "citizen"
        user.availability = ["weekend_morning", "weekday_evening"]
        user.save()
        user.interests.set([themes["urban-agriculture"], themes["recycling"], themes["new-solidarities"]])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        people[role] = user

    Membership.objects.get_or_create(
        organization=orgs["jardins-partages-paris"], user=people["association"], defaults={"role": "admin"}
    )
    Membership.objects.get_or_create(
        organization=orgs["mairie-de-paris"], user=people["official"], defaults={"role": "admin"}
    )
    if stdout:
        stdout.write(
            f"  kernel: {len(cities)} cities, {len(themes)} themes, {len(orgs)} organisations, 4 logins"
        )
