"""Demo missions: 90 missions from 18 associations in the demo cities, every theme, in fr/en/es,
with upcoming slots (some full, with a waiting list) and a past, attended one for the demo citizen.

Keyed on (organisation, French title) and (mission, start), so running it twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from civic.core.demo import DEMO_PASSWORD
from civic.places.geo import point

ASSOCIATIONS = [
    # slug, name, kind, city, fr, en, es
    (
        "paris-numerique-solidaire",
        "Paris Numérique Solidaire",
        "association",
        "paris",
        "Des ateliers pour que chacun se débrouille avec le numérique.",
        "Workshops so that everyone can get by with digital tools.",
        "Talleres para que todos se manejen con lo digital.",
    ),
    (
        "calanques-propres",
        "Calanques Propres",
        "collective",
        "marseille",
        "Des ramassages de déchets dans les calanques et sur les plages.",
        "Litter picks in the calanques and on the beaches.",
        "Recogidas de residuos en las calas y las playas.",
    ),
    (
        "besancon-energie-citoyenne",
        "Besançon Énergie Citoyenne",
        "association",
        "besancon",
        "Des toits solaires financés et posés par les habitants.",
        "Solar roofs funded and installed by residents.",
        "Tejados solares financiados e instalados por los vecinos.",
    ),
    (
        "horts-urbans-barcelona",
        "Horts Urbans Barcelona",
        "association",
        "barcelona",
        "Des potagers urbains partagés dans les quartiers de Barcelone.",
        "Shared urban vegetable gardens in Barcelona's neighbourhoods.",
        "Huertos urbanos compartidos en los barrios de Barcelona.",
    ),
    (
        "banc-aliments-raval",
        "Banc d'Aliments del Raval",
        "association",
        "barcelona",
        "Collecte et distribution alimentaire dans le Raval.",
        "Food collection and distribution in the Raval.",
        "Recogida y reparto de alimentos en el Raval.",
    ),
    (
        "ruelles-vertes-montreal",
        "Ruelles vertes Montréal",
        "collective",
        "montreal",
        "Des ruelles verdies et animées par leurs riverains.",
        "Back lanes greened and brought to life by their residents.",
        "Callejones reverdecidos y animados por sus vecinos.",
    ),
    (
        "charleston-reads",
        "Charleston Reads",
        "association",
        "charleston",
        "Du soutien scolaire et des clubs de lecture pour les enfants.",
        "Tutoring and reading clubs for children.",
        "Apoyo escolar y clubes de lectura para niños.",
    ),
    (
        "arte-de-rua-rio",
        "Arte de Rua Rio",
        "collective",
        "rio-de-janeiro",
        "Des fresques participatives dans les quartiers de Rio.",
        "Participatory murals in Rio's neighbourhoods.",
        "Murales participativos en los barrios de Río.",
    ),
    (
        "stockholm-cykelkoket",
        "Cykelköket Stockholm",
        "association",
        "stockholm",
        "Un atelier de réparation de vélos ouvert à tous.",
        "A bike repair workshop open to everyone.",
        "Un taller de reparación de bicicletas abierto a todos.",
    ),
    (
        "montreal-frigo-partage",
        "Frigo partagé Montréal",
        "association",
        "montreal",
        "Des frigos communautaires contre le gaspillage alimentaire.",
        "Community fridges against food waste.",
        "Neveras comunitarias contra el desperdicio de alimentos.",
    ),
]

# theme slug, fr title, en title, es title, fr/en/es description, fr/en/es skills, fr/en/es what to bring
MISSIONS = [
    (
        "urban-agriculture",
        "Planter et arroser le potager",
        "Plant and water the vegetable garden",
        "Plantar y regar el huerto",
        (
            "Nous préparons les semis de saison et entretenons les bacs du jardin partagé.",
            "We prepare the seasonal seedlings and look after the shared garden's beds.",
            "Preparamos los semilleros de temporada y cuidamos los bancales del huerto compartido.",
        ),
        ("Aucune : on vous montre.", "None: we show you.", "Ninguna: te enseñamos."),
        ("Des gants et une gourde.", "Gloves and a water bottle.", "Guantes y una cantimplora."),
    ),
    (
        "participatory-housing",
        "Aider au chantier participatif",
        "Help on the self-build site",
        "Ayudar en la obra participativa",
        (
            "Un habitat participatif se construit : finitions, peinture et jardin avec les futurs habitants.",
            "A co-housing project is being built: finishing, painting and garden with the future residents.",
            "Se construye una vivienda participativa: acabados, pintura y jardín con los futuros vecinos.",
        ),
        ("Bricolage apprécié.", "DIY skills welcome.", "Se agradece saber de bricolaje."),
        (
            "Des vêtements qui ne craignent rien.",
            "Clothes you don't mind getting dirty.",
            "Ropa que se pueda manchar.",
        ),
    ),
    (
        "recycling",
        "Tenir le stand de réparation",
        "Run the repair stand",
        "Atender el puesto de reparación",
        (
            "Accueillir les visiteurs et les aider à réparer petit électroménager, vêtements et jouets.",
            "Welcome visitors and help them repair small appliances, clothes and toys.",
            "Recibir a los visitantes y ayudarles a reparar pequeños electrodomésticos, ropa y juguetes.",
        ),
        ("Patience et curiosité.", "Patience and curiosity.", "Paciencia y curiosidad."),
        ("Vos outils si vous en avez.", "Your tools if you have some.", "Tus herramientas si tienes."),
    ),
    (
        "street-art",
        "Peindre une fresque de quartier",
        "Paint a neighbourhood mural",
        "Pintar un mural de barrio",
        (
            "Une fresque dessinée avec les habitants : préparation du mur, peinture des aplats, rangement.",
            "A mural designed with residents: preparing the wall, painting the flat areas, tidying up.",
            "Un mural diseñado con los vecinos: preparar la pared, pintar los fondos, recoger.",
        ),
        ("Pas besoin de savoir dessiner.", "No need to know how to draw.", "No hace falta saber dibujar."),
        ("Une vieille chemise.", "An old shirt.", "Una camisa vieja."),
    ),
    (
        "new-solidarities",
        "Rendre visite à des aînés isolés",
        "Visit isolated older people",
        "Visitar a personas mayores aisladas",
        (
            "Une heure de conversation, un jeu de cartes ou une promenade avec une personne âgée du quartier.",
            "An hour of conversation, a card game or a walk with an older neighbour.",
            "Una hora de conversación, un juego de cartas o un paseo con una persona mayor del barrio.",
        ),
        ("Écoute et bienveillance.", "Listening and kindness.", "Escucha y amabilidad."),
        ("Votre bonne humeur.", "Your good mood.", "Tu buen humor."),
    ),
    (
        "health",
        "Accueillir au don du sang",
        "Welcome blood donors",
        "Recibir a los donantes de sangre",
        (
            "Orienter les donneurs, servir la collation et veiller à leur repos après le don.",
            "Guide donors, serve the snack and keep an eye on them while they rest after giving.",
            "Orientar a los donantes, servir el refrigerio y acompañarlos mientras descansan.",
        ),
        ("Sens du contact.", "People skills.", "Don de gentes."),
        ("Rien de particulier.", "Nothing in particular.", "Nada en especial."),
    ),
    (
        "education",
        "Aider aux devoirs",
        "Help with homework",
        "Ayudar con los deberes",
        (
            "Accompagner des élèves du primaire et du collège dans leurs devoirs, en petits groupes.",
            "Support primary and middle-school pupils with their homework, in small groups.",
            "Acompañar a alumnos de primaria y secundaria con los deberes, en grupos pequeños.",
        ),
        (
            "Être à l'aise avec le programme scolaire.",
            "Being comfortable with the school curriculum.",
            "Sentirse cómodo con el temario escolar.",
        ),
        ("Une trousse.", "A pencil case.", "Un estuche."),
    ),
    (
        "waste",
        "Ramasser les déchets au bord de l'eau",
        "Pick up litter by the water",
        "Recoger residuos junto al agua",
        (
            "Une matinée de ramassage, de tri et de comptage des déchets pour un inventaire citoyen.",
            "A morning of picking, sorting and counting litter for a citizen survey.",
            "Una mañana de recogida, separación y recuento de residuos para un inventario ciudadano.",
        ),
        ("Aucune.", "None.", "Ninguna."),
        (
            "Des chaussures fermées et une casquette.",
            "Closed shoes and a cap.",
            "Calzado cerrado y una gorra.",
        ),
    ),
    (
        "mobility",
        "Réparer des vélos pour tous",
        "Repair bikes for everyone",
        "Reparar bicis para todos",
        (
            "Remettre en état des vélos donnés, qui seront prêtés à des personnes qui en ont besoin.",
            "Fix up donated bikes that will be lent to people who need them.",
            "Poner a punto bicis donadas que se prestarán a quien las necesite.",
        ),
        (
            "Savoir changer une chambre à air, c'est un plus.",
            "Knowing how to change an inner tube helps.",
            "Saber cambiar una cámara ayuda.",
        ),
        ("Rien, les outils sont sur place.", "Nothing, tools are on site.", "Nada, hay herramientas."),
    ),
    (
        "culture",
        "Accueillir le public du festival",
        "Welcome the festival audience",
        "Recibir al público del festival",
        (
            "Billetterie, orientation et accueil des artistes d'un festival de quartier gratuit.",
            "Ticketing, directions and welcoming the artists of a free neighbourhood festival.",
            "Taquilla, orientación y acogida de artistas de un festival de barrio gratuito.",
        ),
        (
            "Parler une deuxième langue est un atout.",
            "Speaking a second language is a plus.",
            "Hablar un segundo idioma es un plus.",
        ),
        ("Un vêtement chaud pour le soir.", "A warm layer for the evening.", "Ropa de abrigo para la noche."),
    ),
    (
        "environment",
        "Planter des arbres en ville",
        "Plant trees in the city",
        "Plantar árboles en la ciudad",
        (
            "Plantation d'une mini-forêt urbaine avec les écoles du quartier.",
            "Planting a tiny urban forest with the neighbourhood schools.",
            "Plantación de un minibosque urbano con las escuelas del barrio.",
        ),
        ("Aucune.", "None.", "Ninguna."),
        ("Des bottes si vous en avez.", "Boots if you have some.", "Botas si tienes."),
    ),
    (
        "food",
        "Trier et distribuer des colis",
        "Sort and hand out food parcels",
        "Clasificar y repartir lotes de comida",
        (
            "Trier les invendus collectés le matin et préparer les colis distribués l'après-midi.",
            "Sort the unsold food collected in the morning and prepare the parcels handed out in the afternoon.",
            "Clasificar los excedentes recogidos por la mañana y preparar los lotes del reparto de la tarde.",
        ),
        ("Organisation.", "Being organised.", "Organización."),
        ("Des chaussures confortables.", "Comfortable shoes.", "Calzado cómodo."),
    ),
    (
        "energy",
        "Animer un atelier économies d'énergie",
        "Run an energy-saving workshop",
        "Animar un taller de ahorro energético",
        (
            "Montrer aux habitants comment lire leurs factures et réduire leur consommation.",
            "Show residents how to read their bills and cut their consumption.",
            "Enseñar a los vecinos a leer sus facturas y reducir su consumo.",
        ),
        (
            "Quelques notions d'énergie, une formation est prévue.",
            "Some energy basics; training is provided.",
            "Nociones de energía; hay formación.",
        ),
        ("Rien.", "Nothing.", "Nada."),
    ),
    (
        "digital-inclusion",
        "Accompagner aux démarches en ligne",
        "Help with online paperwork",
        "Acompañar en los trámites en línea",
        (
            "Aider des personnes à créer une adresse e-mail, prendre un rendez-vous ou remplir un formulaire.",
            "Help people create an email address, book an appointment or fill in a form.",
            "Ayudar a crear un correo electrónico, pedir una cita o rellenar un formulario.",
        ),
        ("À l'aise avec un ordinateur.", "Comfortable with a computer.", "Manejo básico del ordenador."),
        ("Rien.", "Nothing.", "Nada."),
    ),
    (
        "food",
        "Cuisiner un repas partagé",
        "Cook a shared meal",
        "Cocinar una comida compartida",
        (
            "Préparer un repas de quartier avec des produits de récupération, puis le partager.",
            "Cook a neighbourhood meal with rescued food, then share it.",
            "Preparar una comida de barrio con alimentos rescatados y compartirla.",
        ),
        ("Aimer cuisiner.", "Enjoying cooking.", "Que te guste cocinar."),
        ("Un tablier.", "An apron.", "Un delantal."),
    ),
    (
        "digital-inclusion",
        "Traduire le site de l'association",
        "Translate the association's website",
        "Traducir la web de la asociación",
        (
            "Traduire des pages d'information, depuis chez vous, à votre rythme.",
            "Translate information pages from home, at your own pace.",
            "Traducir páginas informativas desde casa, a tu ritmo.",
        ),
        (
            "Bonne maîtrise d'une deuxième langue.",
            "Good command of a second language.",
            "Buen dominio de un segundo idioma.",
        ),
        ("Un ordinateur.", "A computer.", "Un ordenador."),
    ),
]
REMOTE_TITLES = {"Traduire le site de l'association", "Animer un atelier économies d'énergie"}

VOLUNTEERS = [
    ("lea@civic.localhost", "Léa"),
    ("sam@civic.localhost", "Sam"),
    ("noor@civic.localhost", "Noor"),
    ("diego@civic.localhost", "Diego"),
]
KERNEL_ORGANIZATIONS = [
    "jardins-partages-paris",
    "repair-cafe-marseille",
    "velo-solidaire-besancon",
    "lowcountry-compost",
    "horta-carioca",
    "istanbul-food-bank",
    "stockholm-makers",
    "manila-bayanihan",
    "green-company",
]
MISSIONS_PER_ORG = 5
HOURS = (9, 14, 18)  # morning, afternoon, evening starts, local time


def _volunteers():
    from allauth.account.models import EmailAddress

    from civic.accounts.models import User

    people = []
    for email, name in VOLUNTEERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        people.append(user)
    return people


def _local(tz, day, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz)


@transaction.atomic
def seed(stdout=None) -> None:
    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.organizations.models import Organization
    from civic.places.models import City
    from volunteering.models import Mission, MissionStatus, Participation, ParticipationStatus, Slot

    cities = {c.slug: c for c in City.objects.all()}
    themes = {t.slug: t for t in Theme.objects.all()}
    for slug, name, kind, city_slug, dfr, den, des in ASSOCIATIONS:
        city = cities[city_slug]
        Organization.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "city": city,
                "description_fr": dfr,
                "description_en": den,
                "description_es": des,
                "point": point(city.latitude - 0.006, city.longitude + 0.004),
            },
        )
    slugs = KERNEL_ORGANIZATIONS + [a[0] for a in ASSOCIATIONS]
    orgs = list(Organization.objects.filter(slug__in=slugs).select_related("city").order_by("slug"))
    volunteers = _volunteers()
    citizen = User.objects.filter(email="citizen@civic.localhost").first()
    today = timezone.now().date()

    missions = []
    n = 0
    for org_index, org in enumerate(orgs):
        tz = org.city.timezone
        for k in range(MISSIONS_PER_ORG):
            template = MISSIONS[(org_index * MISSIONS_PER_ORG + k) % len(MISSIONS)]
            theme, tfr, ten, tes, desc, skills, bring = template
            # Spread missions over a few kilometres around the city centre (deterministic).
            spread = random.Random(f"{org.slug}-{k}")
            lat = org.city.latitude + spread.uniform(-0.04, 0.04)
            lng = org.city.longitude + spread.uniform(-0.055, 0.055)
            mission, _created = Mission.objects.update_or_create(
                organization=org,
                title_fr=tfr,
                defaults={
                    "city": org.city,
                    "title_en": ten,
                    "title_es": tes,
                    "description_fr": desc[0],
                    "description_en": desc[1],
                    "description_es": desc[2],
                    "skills_fr": skills[0],
                    "skills_en": skills[1],
                    "skills_es": skills[2],
                    "what_to_bring_fr": bring[0],
                    "what_to_bring_en": bring[1],
                    "what_to_bring_es": bring[2],
                    "point": point(lat, lng),
                    "address": f"{org.city.name}",
                    "remote_possible": tfr in REMOTE_TITLES,
                    "beginner_friendly": n % 3 != 0,
                    "reduced_mobility_accessible": n % 2 == 0,
                    "status": MissionStatus.PUBLISHED,
                    "published_at": timezone.now(),
                },
            )
            mission.themes.set([themes[theme]] + ([themes["new-solidarities"]] if n % 4 == 0 else []))
            # Three upcoming slots: different days, weekday and weekend, morning/afternoon/evening.
            for s in range(3):
                day = today + timedelta(days=1 + (n + s * 5) % 20)
                start = _local(tz, day, HOURS[(n + s) % 3])
                Slot.objects.get_or_create(
                    mission=mission,
                    starts_at=start,
                    defaults={"ends_at": start + timedelta(hours=3), "capacity": 3 + (n + s) % 6},
                )
            missions.append(mission)
            n += 1

    # Every seventh mission's first slot is full, with a waiting list.
    for mission in missions[::7]:
        slot = mission.slots.order_by("starts_at").first()
        Slot.objects.filter(pk=slot.pk).update(capacity=3)
        for position, member in enumerate(volunteers):
            status = ParticipationStatus.CONFIRMED if position < 3 else ParticipationStatus.WAITING
            Participation.objects.get_or_create(
                slot=slot,
                member=member,
                defaults={
                    "status": status,
                    "position": None if position < 3 else 1,
                    "share_contact": position % 2 == 0,
                },
            )

    # The demo citizen takes part in a Paris garden mission and has done one before (attested hours).
    garden = Mission.objects.filter(organization__slug="jardins-partages-paris").order_by("pk").first()
    if citizen and garden:
        upcoming = garden.slots.order_by("starts_at").last()
        Participation.objects.get_or_create(
            slot=upcoming,
            member=citizen,
            defaults={"status": ParticipationStatus.CONFIRMED, "share_contact": True},
        )
        past_start = _local(garden.city.timezone, today - timedelta(days=14), 9)
        past, _created = Slot.objects.get_or_create(
            mission=garden,
            starts_at=past_start,
            defaults={"ends_at": past_start + timedelta(hours=3), "capacity": 6},
        )
        Participation.objects.get_or_create(
            slot=past,
            member=citizen,
            defaults={"status": ParticipationStatus.ATTENDED, "hours": 3, "share_contact": True},
        )
        for member in volunteers[:2]:
            Participation.objects.get_or_create(
                slot=upcoming,
                member=member,
                defaults={"status": ParticipationStatus.CONFIRMED, "share_contact": True},
            )

    # Keep the denormalised counters exact, whatever the runs before did.
    for slot in Slot.objects.filter(mission__in=missions).annotate(
        n=Count("participations", filter=Q(participations__status=ParticipationStatus.CONFIRMED))
    ):
        if slot.confirmed_count != slot.n:
            Slot.objects.filter(pk=slot.pk).update(confirmed_count=slot.n)
    if stdout:
        stdout.write(
            f"  volunteering: {len(missions)} missions from {len(orgs)} organisations, "
            f"{Slot.objects.filter(mission__in=missions).count()} slots"
        )
