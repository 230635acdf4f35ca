import pytest

from civic.core import demo as kernel_demo
from civic.core.models import Theme
from volunteering import demo
from volunteering.models import Mission

pytestmark = pytest.mark.django_db


def test_demo_has_80_missions_from_15_associations_over_all_themes_in_three_languages():
    # Associations in the sense: registered associations and informal collectives.
    kernel_demo.seed()
    demo.seed()
    count = Mission.objects.count()
    demo.seed()  # idempotent

    missions = Mission.objects.published()
    assert Mission.objects.count() == count
    assert missions.count() >= 80
    assert (
        missions.filter(organization__kind__in=["association", "collective"])
        .order_by()
        .values("organization")
        .distinct()
        .count()
        >= 15
    )
    assert missions.order_by().values("city").distinct().count() >= 5
    assert set(Theme.objects.active().values_list("pk", flat=True)) <= set(
        missions.values_list("themes", flat=True)
    )
    assert not missions.filter(title_fr="").exists()
    assert not missions.filter(title_en="").exists() and not missions.filter(title_es="").exists()
