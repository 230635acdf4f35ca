"""Demo catalogue: 64 initiatives in the kernel's 10 demo cities, over every theme, written in
French, English and Spanish (a few left untranslated into Spanish, to show the fallback notice),
with Pillow-drawn photos, portraits, practical tips and video reports.

Idempotent: initiatives are keyed on (city, French title), reports on their initiative and title.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from civic.places.geo import point

# kind: (themes, colour, fr, en, es) with title / summary / story per language; {place} is the
# neighbourhood and {city} the city, in the language of the text.
KINDS = [
    (
        ("waste", "environment"),
        (86, 130, 60),
        (
            "Compost collectif",
            "Les habitants de {place} déposent leurs épluchures dans trois bacs en bois au pied des immeubles. "
            "Des bénévoles retournent le compost chaque semaine et le donnent aux jardins du quartier.",
            "Tout a commencé avec une voisine qui en avait assez de jeter ses épluchures. "
            "Avec l'accord du bailleur, elle a installé un premier bac. Aujourd'hui, **plus de 80 foyers** "
            "y participent et le compost nourrit les jardinières de l'école.",
        ),
        (
            "Community compost",
            "Residents of {place} drop their peelings in three wooden bins at the foot of their buildings. "
            "Volunteers turn the compost every week and give it to the neighbourhood's gardens.",
            "It all began with a neighbour who was tired of throwing her peelings away. With the landlord's "
            "agreement she set up a first bin. Today **more than 80 households** take part and the compost "
            "feeds the school's flower boxes.",
        ),
        (
            "Compost comunitario",
            "Los vecinos de {place} dejan sus cáscaras en tres compostadores de madera al pie de sus edificios. "
            "Cada semana, voluntarios voltean el compost y lo regalan a los huertos del barrio.",
            "Todo empezó con una vecina cansada de tirar sus cáscaras. Con el acuerdo del propietario, "
            "instaló un primer compostador. Hoy participan **más de 80 hogares** y el compost alimenta "
            "las jardineras de la escuela.",
        ),
    ),
    (
        ("urban-agriculture", "food"),
        (60, 150, 90),
        (
            "Jardin partagé",
            "Un terrain vague de {place} devenu potager : chacun cultive une parcelle et tout le monde "
            "partage les récoltes, les outils et les savoirs.",
            "Le terrain était fermé depuis dix ans. Les habitants ont obtenu une convention avec la ville, "
            "construit des bacs avec des palettes et planté les premières tomates au printemps.",
        ),
        (
            "Shared garden",
            "A vacant lot in {place} turned into a vegetable garden: everyone grows a plot and everybody "
            "shares the harvest, the tools and the know-how.",
            "The lot had been closed for ten years. Residents signed an agreement with the city, built "
            "raised beds out of pallets and planted the first tomatoes in spring.",
        ),
        (
            "Huerto compartido",
            "Un solar vacío de {place} convertido en huerto: cada uno cultiva una parcela y todos comparten "
            "la cosecha, las herramientas y los saberes.",
            "El solar llevaba diez años cerrado. Los vecinos firmaron un convenio con el ayuntamiento, "
            "construyeron bancales con palés y plantaron los primeros tomates en primavera.",
        ),
    ),
    (
        ("recycling", "waste"),
        (200, 120, 40),
        (
            "Repair café",
            "Un samedi par mois à {place}, des bénévoles réparent avec vous grille-pain, lampes, vélos et "
            "vêtements. On apprend à réparer au lieu de jeter.",
            "Électriciens à la retraite, couturières, étudiants : une vingtaine de bénévoles se relaient. "
            "En deux ans, **1 200 objets** ont retrouvé une seconde vie.",
        ),
        (
            "Repair café",
            "One Saturday a month in {place}, volunteers repair toasters, lamps, bikes and clothes with you. "
            "People learn to repair instead of throwing away.",
            "Retired electricians, seamstresses, students: some twenty volunteers take turns. In two years, "
            "**1,200 objects** got a second life.",
        ),
        (
            "Café de reparación",
            "Un sábado al mes en {place}, voluntarios reparan contigo tostadoras, lámparas, bicicletas y ropa. "
            "Se aprende a reparar en vez de tirar.",
            "Electricistas jubilados, costureras, estudiantes: una veintena de voluntarios se turnan. "
            "En dos años, **1.200 objetos** tuvieron una segunda vida.",
        ),
    ),
    (
        ("street-art", "culture"),
        (180, 60, 140),
        (
            "Mur d'expression libre",
            "À {place}, un long mur gris est devenu une galerie à ciel ouvert où artistes et habitants "
            "peignent ensemble, avec l'accord de la ville.",
            "Chaque trimestre, une nouvelle fresque est choisie par un vote des habitants. Les enfants du "
            "quartier peignent la partie basse du mur.",
        ),
        (
            "Street-art wall",
            "In {place}, a long grey wall became an open-air gallery where artists and residents paint "
            "together, with the city's permission.",
            "Every quarter residents vote for a new mural. The neighbourhood's children paint the lower part "
            "of the wall.",
        ),
        (
            "Muro de arte urbano",
            "En {place}, un largo muro gris se convirtió en una galería al aire libre donde artistas y "
            "vecinos pintan juntos, con permiso del ayuntamiento.",
            "Cada trimestre los vecinos votan un nuevo mural. Los niños del barrio pintan la parte baja "
            "del muro.",
        ),
    ),
    (
        ("new-solidarities", "food"),
        (40, 120, 190),
        (
            "Frigo solidaire",
            "Un réfrigérateur en libre-service devant un commerce de {place} : on y dépose ce qu'on ne mangera "
            "pas, on y prend ce dont on a besoin.",
            "Les commerçants voisins donnent leurs invendus chaque soir. Une équipe de bénévoles vérifie les "
            "dates et nettoie le frigo tous les jours.",
        ),
        (
            "Solidarity fridge",
            "A self-service fridge in front of a shop in {place}: drop off what you won't eat, take what you "
            "need.",
            "Neighbouring shops give their unsold food every evening. A team of volunteers checks the dates "
            "and cleans the fridge every day.",
        ),
        (
            "Nevera solidaria",
            "Una nevera de libre acceso delante de una tienda de {place}: dejas lo que no vas a comer y tomas "
            "lo que necesitas.",
            "Los comercios vecinos donan sus excedentes cada tarde. Un equipo de voluntarios revisa las "
            "fechas y limpia la nevera todos los días.",
        ),
    ),
    (
        ("mobility", "recycling"),
        (230, 170, 30),
        (
            "Atelier vélo participatif",
            "À {place}, un atelier où l'on apprend à réparer son vélo soi-même, avec des outils partagés et "
            "des pièces de récupération.",
            "Les vélos abandonnés sont démontés pour les pièces. Des séances sont réservées aux femmes et "
            "aux débutants, et des vélos remis en état sont donnés aux étudiants.",
        ),
        (
            "Community bike workshop",
            "In {place}, a workshop where people learn to fix their own bike, with shared tools and salvaged "
            "parts.",
            "Abandoned bikes are taken apart for parts. Some sessions are for women and beginners only, and "
            "refurbished bikes are given to students.",
        ),
        (
            "Taller de bicis participativo",
            "En {place}, un taller donde se aprende a reparar la propia bici, con herramientas compartidas y "
            "piezas recuperadas.",
            "Las bicis abandonadas se desmontan para piezas. Algunas sesiones son solo para mujeres y "
            "principiantes, y las bicis reparadas se regalan a estudiantes.",
        ),
    ),
    (
        ("participatory-housing",),
        (150, 90, 60),
        (
            "Habitat participatif",
            "Douze familles de {place} ont conçu ensemble leur immeuble : logements privés, buanderie, "
            "chambre d'amis et jardin partagés.",
            "Le projet a pris cinq ans, de la recherche du terrain à l'emménagement. Les habitants décident "
            "ensemble, en assemblée mensuelle, et ont réduit leurs coûts de construction de 15 %.",
        ),
        (
            "Participatory housing",
            "Twelve families in {place} designed their building together: private flats, a shared laundry, "
            "guest room and garden.",
            "The project took five years, from finding the land to moving in. Residents decide together at "
            "a monthly meeting and cut their building costs by 15%.",
        ),
        (
            "Vivienda participativa",
            "Doce familias de {place} diseñaron juntas su edificio: viviendas privadas, lavandería, "
            "habitación de invitados y jardín compartidos.",
            "El proyecto duró cinco años, desde la búsqueda del terreno hasta la mudanza. Los vecinos "
            "deciden juntos en una asamblea mensual y redujeron un 15 % los costes de construcción.",
        ),
    ),
    (
        ("digital-inclusion", "education"),
        (70, 70, 160),
        (
            "Permanence numérique",
            "Chaque mercredi à {place}, des bénévoles aident les habitants à faire leurs démarches en ligne, "
            "à utiliser un smartphone ou à écrire un CV.",
            "La permanence est née à la bibliothèque du quartier. Des lycéens y donnent des cours aux "
            "personnes âgées, qui leur apprennent en retour l'histoire du quartier.",
        ),
        (
            "Digital help desk",
            "Every Wednesday in {place}, volunteers help residents with online paperwork, using a smartphone "
            "or writing a CV.",
            "The help desk started at the neighbourhood library. High-school students teach older people, "
            "who in return tell them the neighbourhood's history.",
        ),
        (
            "Punto de ayuda digital",
            "Cada miércoles en {place}, voluntarios ayudan a los vecinos con trámites en línea, a usar un "
            "móvil o a escribir un currículum.",
            "El punto nació en la biblioteca del barrio. Estudiantes de secundaria dan clases a personas "
            "mayores, que a cambio les cuentan la historia del barrio.",
        ),
    ),
    (
        ("energy", "environment"),
        (240, 200, 40),
        (
            "Coopérative solaire citoyenne",
            "Les habitants de {place} ont financé ensemble des panneaux solaires sur les toits de l'école et "
            "du gymnase ; l'électricité est vendue au réseau.",
            "Trois cents sociétaires ont acheté des parts à 50 euros. Les bénéfices financent des ateliers "
            "sur les économies d'énergie.",
        ),
        (
            "Citizen solar cooperative",
            "Residents of {place} jointly funded solar panels on the roofs of the school and the gym; the "
            "electricity is sold to the grid.",
            "Three hundred members bought shares at 50 euros each. The profits pay for energy-saving "
            "workshops.",
        ),
        (
            "Cooperativa solar ciudadana",
            "Los vecinos de {place} financiaron juntos paneles solares en los tejados de la escuela y del "
            "polideportivo; la electricidad se vende a la red.",
            "Trescientos socios compraron participaciones de 50 euros. Los beneficios pagan talleres de "
            "ahorro de energía.",
        ),
    ),
    (
        ("health",),
        (200, 60, 70),
        (
            "Marche santé du quartier",
            "Deux fois par semaine, une marche d'une heure part de la place de {place}, ouverte à tous les "
            "âges, accompagnée par une infirmière bénévole.",
            "La marche est née d'un constat : beaucoup d'habitants âgés ne sortaient plus. Aujourd'hui, le "
            "groupe compte quarante marcheurs réguliers.",
        ),
        (
            "Neighbourhood health walk",
            "Twice a week, a one-hour walk leaves from the square of {place}, open to all ages and led by a "
            "volunteer nurse.",
            "The walk came from one observation: many older residents no longer went out. Today the group "
            "has forty regular walkers.",
        ),
        (
            "Paseo saludable del barrio",
            "Dos veces por semana sale de la plaza de {place} un paseo de una hora, abierto a todas las "
            "edades y guiado por una enfermera voluntaria.",
            "El paseo nació de una constatación: muchos vecinos mayores ya no salían. Hoy el grupo cuenta "
            "con cuarenta caminantes habituales.",
        ),
    ),
    (
        ("education", "culture"),
        (120, 80, 40),
        (
            "Boîte à livres",
            "À {place}, une ancienne cabine téléphonique transformée en bibliothèque de rue : on prend un "
            "livre, on en dépose un autre.",
            "Les étagères ont été fabriquées par un lycée professionnel. Un club de lecture se réunit à côté "
            "le premier dimanche du mois.",
        ),
        (
            "Street library",
            "In {place}, an old phone box turned into a street library: take a book, leave another one.",
            "The shelves were built by a vocational high school. A book club meets next to it on the first "
            "Sunday of the month.",
        ),
        (
            "Biblioteca de calle",
            "En {place}, una antigua cabina telefónica convertida en biblioteca de calle: tomas un libro y "
            "dejas otro.",
            "Las estanterías las construyó un instituto de formación profesional. Un club de lectura se "
            "reúne al lado el primer domingo de cada mes.",
        ),
    ),
    (
        ("urban-agriculture", "environment"),
        (210, 160, 20),
        (
            "Ruches sur les toits",
            "Sur le toit d'un immeuble de {place}, six ruches gérées par des habitants formés à l'apiculture ; "
            "le miel est vendu au profit de l'association.",
            "Les ruches servent aussi de support pédagogique : les écoles du quartier viennent observer les "
            "abeilles derrière une vitre.",
        ),
        (
            "Rooftop beehives",
            "On a building's roof in {place}, six hives kept by residents trained in beekeeping; the honey "
            "is sold for the association.",
            "The hives are also a teaching tool: the neighbourhood's schools come to watch the bees behind "
            "a glass pane.",
        ),
        (
            "Colmenas en la azotea",
            "En la azotea de un edificio de {place}, seis colmenas cuidadas por vecinos formados en "
            "apicultura; la miel se vende a beneficio de la asociación.",
            "Las colmenas también sirven para enseñar: las escuelas del barrio vienen a observar las abejas "
            "detrás de un cristal.",
        ),
    ),
    (
        ("new-solidarities", "recycling"),
        (90, 110, 120),
        (
            "Outilthèque",
            "Une bibliothèque d'outils à {place} : perceuses, échelles, appareils à raclette… On emprunte "
            "au lieu d'acheter ce qui sert deux fois par an.",
            "L'adhésion coûte ce qu'on veut. Plus de 400 objets, tous donnés par des habitants, sont "
            "empruntés en moyenne 30 fois par an.",
        ),
        (
            "Tool library",
            "A library of tools in {place}: drills, ladders, raclette sets… Borrow instead of buying what "
            "you use twice a year.",
            "Membership is pay-what-you-can. More than 400 items, all donated by residents, are borrowed "
            "30 times a year on average.",
        ),
        (
            "Biblioteca de herramientas",
            "Una biblioteca de herramientas en {place}: taladros, escaleras, aparatos de raclette… Se presta "
            "en vez de comprar lo que se usa dos veces al año.",
            "La cuota es la voluntad. Más de 400 objetos, todos donados por vecinos, se prestan de media "
            "30 veces al año.",
        ),
    ),
    (
        ("waste", "food"),
        (110, 160, 140),
        (
            "Épicerie zéro déchet",
            "Une épicerie associative de {place} qui vend en vrac, dans vos bocaux, des produits de "
            "producteurs à moins de 100 km.",
            "Les adhérents tiennent la caisse trois heures par mois. Les prix restent bas et les emballages "
            "ont disparu.",
        ),
        (
            "Zero-waste grocery",
            "A community grocery in {place} selling in bulk, in your own jars, products from farmers less "
            "than 100 km away.",
            "Members staff the till three hours a month. Prices stay low and packaging has disappeared.",
        ),
        (
            "Tienda residuo cero",
            "Una tienda asociativa de {place} que vende a granel, en tus propios tarros, productos de "
            "agricultores a menos de 100 km.",
            "Los socios atienden la caja tres horas al mes. Los precios siguen bajos y los envases han "
            "desaparecido.",
        ),
    ),
    (
        ("mobility", "education", "health"),
        (60, 170, 200),
        (
            "Rue aux écoles",
            "Devant l'école de {place}, la rue est fermée aux voitures aux heures d'entrée et de sortie : "
            "les enfants viennent à pied ou à vélo.",
            "Les parents ont mesuré la pollution pendant un mois et présenté les résultats au conseil de "
            "quartier. La ville a accepté un essai, devenu permanent.",
        ),
        (
            "School street",
            "In front of the school in {place}, the street is closed to cars when classes start and end: "
            "children come on foot or by bike.",
            "Parents measured air pollution for a month and showed the results to the neighbourhood council. "
            "The city agreed to a trial, which became permanent.",
        ),
        (
            "Calle escolar",
            "Delante de la escuela de {place}, la calle se cierra a los coches a la entrada y la salida: los "
            "niños llegan a pie o en bici.",
            "Los padres midieron la contaminación durante un mes y presentaron los resultados al consejo de "
            "barrio. El ayuntamiento aceptó una prueba, que se hizo permanente.",
        ),
    ),
    (
        ("food", "new-solidarities", "health"),
        (220, 100, 50),
        (
            "Cuisine partagée",
            "Une cuisine ouverte à {place} où l'on cuisine ensemble les invendus du marché et où l'on mange "
            "à prix libre.",
            "Chaque jeudi, une habitante différente propose une recette de son pays. Les repas réunissent "
            "une soixantaine de personnes.",
        ),
        (
            "Community kitchen",
            "An open kitchen in {place} where people cook the market's unsold food together and eat at a "
            "pay-what-you-can price.",
            "Every Thursday a different resident shares a recipe from her country. Meals bring together "
            "some sixty people.",
        ),
        (
            "Cocina comunitaria",
            "Una cocina abierta en {place} donde se cocinan juntos los excedentes del mercado y se come a "
            "precio libre.",
            "Cada jueves una vecina distinta propone una receta de su país. Las comidas reúnen a unas "
            "sesenta personas.",
        ),
    ),
]

PLACES = {
    "paris": ("Belleville", "la Goutte-d'Or", "Montreuil-Croix-de-Chavaux"),
    "marseille": ("la Belle de Mai", "Noailles", "l'Estaque"),
    "besancon": ("Planoise", "Battant", "Montrapon"),
    "charleston": ("Eastside", "Wagener Terrace", "West Ashley"),
    "rio-de-janeiro": ("Santa Teresa", "Maré", "Vidigal"),
    "istanbul": ("Kadıköy", "Balat", "Moda"),
    "stockholm": ("Södermalm", "Rinkeby", "Hammarby"),
    "manila": ("Tondo", "Malate", "Quiapo"),
    "barcelona": ("Poblenou", "El Raval", "Gràcia"),
    "montreal": ("Hochelaga", "Saint-Michel", "Verdun"),
}

COUNT = 64  # kind = i % 16 and city = i % 10 make 64 distinct (kind, city) pairs
UNTRANSLATED_EVERY = 9  # every ninth initiative has no Spanish text yet: the page says so

PORTRAITS = [
    ("Awa Diallo", "Fondatrice", "Founder", "Fundadora"),
    ("Marco Rossi", "Bénévole depuis le début", "Volunteer from day one", "Voluntario desde el principio"),
    ("Lucía Fernández", "Coordinatrice", "Coordinator", "Coordinadora"),
    ("Kenji Sato", "Trésorier", "Treasurer", "Tesorero"),
]

TIPS = [
    (
        "start",
        ("Commencer petit", "Start small", "Empezar en pequeño"),
        (
            "Réunissez cinq voisins motivés avant de chercher un lieu. Une première action visible convainc "
            "plus que de longs discours.",
            "Gather five motivated neighbours before looking for a place. A first visible action convinces "
            "more than long speeches.",
            "Reúne a cinco vecinos motivados antes de buscar un lugar. Una primera acción visible convence "
            "más que los discursos.",
        ),
    ),
    (
        "costs",
        ("Ce que ça coûte", "What it costs", "Lo que cuesta"),
        (
            "Comptez **200 à 500 euros** pour démarrer : matériel, assurance et un peu de communication.",
            "Count **200 to 500 euros** to get started: equipment, insurance and a little communication.",
            "Cuenta con **200 a 500 euros** para empezar: material, seguro y un poco de comunicación.",
        ),
    ),
    (
        "pitfalls",
        ("Les pièges à éviter", "Pitfalls to avoid", "Errores que evitar"),
        (
            "Ne portez pas tout seul le projet : partagez les clés, les comptes et les décisions dès le début.",
            "Don't carry the project alone: share keys, accounts and decisions from the start.",
            "No lleves el proyecto solo: comparte llaves, cuentas y decisiones desde el principio.",
        ),
    ),
]

VIDEOS = [
    "https://vimeo.com/76979871",
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    "https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
]


def _photo(colour: tuple[int, int, int], index: int) -> SimpleUploadedFile:
    """A simple coloured composition: a sky, a ground, a sun and a few houses or plants."""
    width, height = 800, 520
    img = Image.new("RGB", (width, height), tuple(min(255, c + 90) for c in colour))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, height * 2 // 3, width, height], fill=colour)
    draw.ellipse([width - 180, 40, width - 80, 140], fill=(255, 220, 90))
    for n in range(3 + index % 4):
        x = 60 + n * 170 + (index * 37) % 50
        top = height * 2 // 3 - 90 - (n * 23 + index * 11) % 60
        shade = tuple(max(0, c - 40 - n * 10) for c in colour)
        draw.rectangle([x, top, x + 110, height * 2 // 3], fill=shade)
        draw.polygon([(x - 10, top), (x + 55, top - 50), (x + 120, top)], fill=(120, 60, 50))
        draw.rectangle([x + 40, top + 40, x + 70, height * 2 // 3], fill=(250, 240, 220))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82)
    return SimpleUploadedFile(f"demo-{index}.jpg", out.getvalue(), content_type="image/jpeg")


@transaction.atomic
def seed(stdout=None) -> None:
    from civic.accounts.models import User
    from civic.core.models import Theme
    from civic.places.models import City
    from initiatives.models import (
        Initiative,
        Portrait,
        PracticalTip,
        ReplicationIntent,
        Status,
        VideoReport,
    )
    from initiatives.services import photo_add

    cities = {c.slug: c for c in City.objects.filter(slug__in=PLACES)}
    slugs = [slug for slug in PLACES if slug in cities]
    themes = {t.slug: t for t in Theme.objects.all()}
    citizen = User.objects.filter(email="citizen@civic.localhost").first()
    editor = User.objects.filter(email="editor@civic.localhost").first()
    helpers = list(
        User.objects.filter(email__in=["association@civic.localhost", "official@civic.localhost"]).order_by(
            "pk"
        )
    )
    now = timezone.now()
    created = photos = 0
    initiatives = []
    for i in range(COUNT):
        kind = KINDS[i % len(KINDS)]
        theme_slugs, colour, fr, en, es = kind
        city = cities[slugs[i % len(slugs)]]
        place = PLACES[city.slug][(i // len(slugs)) % 3]
        texts = {"fr": fr, "en": en, "es": es}
        defaults = {}
        for lang, (title, summary, story) in texts.items():
            untranslated = lang == "es" and i % UNTRANSLATED_EVERY == UNTRANSLATED_EVERY - 1
            defaults[f"title_{lang}"] = "" if untranslated else f"{title} · {place}"
            defaults[f"summary_{lang}"] = "" if untranslated else summary.format(place=place)
            defaults[f"story_{lang}"] = "" if untranslated else story
        status = Status.PUBLISHED
        if i in (5, 23):
            status = Status.IN_REVIEW
        elif i == 41:
            status = Status.DRAFT
        lat = city.latitude + ((i * 7) % 11 - 5) * 0.004
        lng = city.longitude + ((i * 5) % 13 - 6) * 0.005
        defaults.update(
            {
                "point": point(lat, lng),
                "status": status,
                "spotter": citizen if i % 3 else editor,
                "featured": i < 6 and status == Status.PUBLISHED,
                "website": "",
                "contact_email": f"team{i}@initiatives.example",
                "published_at": now - timedelta(days=i * 3) if status == Status.PUBLISHED else None,
                "submitted_at": now - timedelta(days=i * 3 + 1) if status != Status.DRAFT else None,
            }
        )
        initiative = Initiative.objects.filter(city=city, title_fr=defaults["title_fr"]).first()
        if initiative is None:
            initiative = Initiative(city=city)
            created += 1
        for field, value in defaults.items():
            setattr(initiative, field, value)
        initiative.save()
        initiative.themes.set([themes[s] for s in theme_slugs if s in themes])
        if not initiative.photos.exists():
            photo_add(
                initiative=initiative,
                upload=_photo(colour, i),
                alt=f"{fr[0]} · {place}",
            )
            photos += 1
        initiatives.append(initiative)

    published = [x for x in initiatives if x.status == Status.PUBLISHED]
    for n, initiative in enumerate(published[:16]):
        name, role_fr, role_en, role_es = PORTRAITS[n % len(PORTRAITS)]
        Portrait.objects.update_or_create(
            initiative=initiative,
            name=name,
            defaults={
                "author": editor,
                "role_fr": role_fr,
                "role_en": role_en,
                "role_es": role_es,
                "text_fr": f"{name} habite le quartier depuis quinze ans. « On ne change pas la ville seul, "
                "mais on peut commencer par sa rue. »",
                "text_en": f"{name} has lived in the neighbourhood for fifteen years. \"You don't change the "
                'city alone, but you can start with your street."',
                "text_es": f"{name} vive en el barrio desde hace quince años. «No se cambia la ciudad solo, "
                "pero se puede empezar por la propia calle.»",
                "status": Status.PUBLISHED,
                "published_at": now,
            },
        )
    for n, initiative in enumerate(published[:24]):
        kind, titles, bodies = TIPS[n % len(TIPS)]
        PracticalTip.objects.update_or_create(
            initiative=initiative,
            title_fr=titles[0],
            defaults={
                "author": editor,
                "kind": kind,
                "title_en": titles[1],
                "title_es": titles[2],
                "body_fr": bodies[0],
                "body_en": bodies[1],
                "body_es": bodies[2],
                "status": Status.PUBLISHED,
                "published_at": now,
            },
        )
    for n, initiative in enumerate(published[:9]):
        VideoReport.objects.update_or_create(
            initiative=initiative,
            url=VIDEOS[n % len(VIDEOS)],
            defaults={
                "author": editor,
                "title_fr": "Reportage vidéo",
                "title_en": "Video report",
                "title_es": "Reportaje en vídeo",
                "status": Status.PUBLISHED,
                "published_at": now,
            },
        )
    # Replication intents by the demo logins; the denormalised counter is recomputed from rows.
    people = [p for p in [citizen, *helpers] if p is not None]
    for n, initiative in enumerate(published[:12]):
        for person in people[: 1 + n % len(people)]:
            if person.pk == initiative.spotter_id:
                continue
            ReplicationIntent.objects.get_or_create(
                initiative=initiative,
                member=person,
                defaults={"city": cities[slugs[(n + 3) % len(slugs)]], "message": ""},
            )
    for initiative in initiatives:
        count = initiative.replications.count()
        if initiative.replication_count != count:
            Initiative.objects.filter(pk=initiative.pk).update(replication_count=count)
    if stdout:
        stdout.write(
            f"  initiatives: {len(initiatives)} in {len(slugs)} cities ({created} new, {photos} photos drawn)"
        )
