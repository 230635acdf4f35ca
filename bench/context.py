"""What ``bench_seed`` hands to each app's ``bench/seed/<app>.py``.

An app takes part in the benchmark with a module ``bench/seed/<app>.py`` defining:

- ``generate(ctx: BenchContext) -> None``: write the app's rows for ``ctx.scale`` (1.0 = the sizes of the issues),
  with ``ctx.copy()`` (PostgreSQL COPY, with a progress bar). Reproducible: draw only from ``ctx.rng``.
- ``pages(ctx: BenchContext) -> list[Page]``: the pages to measure, as users hit them (lists with filters,
  details, near-me searches, map feeds, dashboards), each with its latency budget from the issue.
- ``explain(ctx: BenchContext) -> list[tuple[str, QuerySet]]`` (optional): the main query of each near-me and
  ranking page; ``make bench`` saves their EXPLAIN ANALYZE under bench/results/explain/.

Rows written with COPY bypass ``save()``: set ``latitude``/``longitude`` and the ``point`` JSON yourself
(``ctx.point_json(lat, lng)``), and any denormalised counter your pages read.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

WORDS = {
    "fr": (
        "jardin partagé compost quartier atelier vélo réparation solidarité école habitants association "
        "collecte recyclage fresque musique voisins repas frigo solidaire potager arbres rue place marché "
        "citoyens énergie mobilité santé culture lecture enfants aînés entraide zéro déchet"
    ).split(),
    "en": (
        "shared garden compost neighbourhood workshop bike repair solidarity school residents association "
        "collection recycling mural music neighbours meal community fridge vegetable trees street square market "
        "citizens energy mobility health culture reading children elders mutual aid zero waste"
    ).split(),
    "es": (
        "huerto compartido compost barrio taller bicicleta reparación solidaridad escuela vecinos asociación "
        "recogida reciclaje mural música vecinas comida nevera solidaria huerta árboles calle plaza mercado "
        "ciudadanos energía movilidad salud cultura lectura niños mayores ayuda mutua residuo cero"
    ).split(),
}


def _vocabulary(topical: list[str], size: int = 4000) -> tuple[list[str], list[float]]:
    """A Zipf-like vocabulary: ``size`` pseudo-words from syllables, with the topical words spread
    over ranks 10 to ~700, and cumulative weights 1/(rank + 2). Search plans depend on how common
    words are: with only the 35 topical words, every word was in most rows, which no real
    catalogue looks like (a common word like "jardin" is now in about a third of the descriptions
    and one title in twenty; most words are rare)."""
    syllables = "ba ce di fo gu la me ni po ru sa te vi zo ker tal mon dri pla vor".split()
    pseudo = [a + b for a in syllables for b in syllables] + [
        a + b + c for a in syllables for b in syllables for c in syllables
    ]
    random.Random(7).shuffle(pseudo)
    words = pseudo[:size]
    for i, word in enumerate(topical):
        words.insert(10 + 20 * i, word)
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / (rank + 2)
        cumulative.append(total)
    return words, cumulative


VOCABULARY = {language: _vocabulary(words) for language, words in WORDS.items()}


@dataclass(frozen=True)
class CityRow:
    id: int
    slug: str
    name: str
    lat: float
    lng: float
    language: str
    timezone: str
    public_body_id: int | None = None


@dataclass(frozen=True)
class Page:
    name: str  # "volunteering: near me, 2 filters"
    path: str  # "/fr/missions/?lat=48.85&lng=2.35&km=10&theme=3"
    budget_ms: float  # median latency budget from the issue
    app: str = ""
    # Whose session requests the page: "" (anonymous), "member" (bench/seed/mycivic.py's member),
    # "official" (the biggest city's hall) or "editor" (platform staff); bench/run.py logs them in.
    login: str = ""
    # "page"; "feed" (open data: fewer sequential requests); "export" (a download of up to 100,000 rows:
    # time to first byte and total of a few requests, no throughput run).
    kind: str = "page"


@dataclass
class BenchContext:
    scale: float
    rng: random.Random
    cities: list[CityRow]
    member_ids: tuple[int, int]  # first and last id of the generated members (inclusive)
    theme_ids: list[int]
    organization_ids: list[int]  # associations, collectives, companies…
    progress: bool = True
    _city_weights: list[float] = field(default_factory=list)

    def count(self, at_scale_1: int, minimum: int = 1) -> int:
        """How many rows of something there are at this scale."""
        return max(minimum, int(round(at_scale_1 * self.scale)))

    def member(self) -> int:
        return self.rng.randint(*self.member_ids)

    def city(self) -> CityRow:
        """A city, big ones more often (a few metropolises hold most of the activity)."""
        if not self._city_weights:
            self._city_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(self.cities))]
        return self.rng.choices(self.cities, weights=self._city_weights, k=1)[0]

    def point_near(self, city: CityRow, km: float = 6.0) -> tuple[float, float]:
        """A point clustered around the city centre (normal distribution, sigma ``km``/2)."""
        dlat = self.rng.gauss(0, km / 2) / 111.2
        dlng = self.rng.gauss(0, km / 2) / (111.2 * max(0.2, math.cos(math.radians(city.lat))))
        return round(city.lat + dlat, 6), round(city.lng + dlng, 6)

    @staticmethod
    def point_json(lat: float, lng: float) -> str:
        return json.dumps({"type": "Point", "coordinates": [lng, lat]})

    def words(self, language: str, n: int) -> str:
        words, cumulative = VOCABULARY[language]
        return " ".join(self.rng.choices(words, cum_weights=cumulative, k=n))

    def title(self, language: str) -> str:
        return self.words(language, self.rng.randint(3, 6)).capitalize()

    def paragraph(self, language: str, sentences: int = 3) -> str:
        return " ".join(
            self.words(language, self.rng.randint(8, 16)).capitalize() + "." for _ in range(sentences)
        )

    def copy(self, table: str, columns: list[str], rows: Iterable[tuple], *, total: int, desc: str) -> int:
        """Write ``rows`` into ``table`` with PostgreSQL COPY; returns the number written."""
        from tqdm import tqdm

        written = 0
        cols = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in tqdm(
                    rows, total=total, desc=desc, unit="row", disable=not self.progress, mininterval=1
                ):
                    copy.write_row(row)
                    written += 1
        return written

    def max_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            return cursor.fetchone()[0]

    def reset_sequence(self, table: str) -> None:
        """After COPY with explicit ids, move the id sequence past them."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\""
            )
