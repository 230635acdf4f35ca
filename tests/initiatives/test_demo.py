import pytest

from civic.core import demo as kernel_demo
from initiatives import demo
from initiatives.models import Initiative, InitiativePhoto, Portrait, PracticalTip, Status, VideoReport

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_covers_cities_themes_and_languages():
    kernel_demo.seed()
    demo.seed()
    counts = (Initiative.objects.count(), InitiativePhoto.objects.count(), Portrait.objects.count())
    demo.seed()

    assert (Initiative.objects.count(), InitiativePhoto.objects.count(), Portrait.objects.count()) == counts
    assert Initiative.objects.count() >= 60
    assert Initiative.objects.values("city").distinct().count() >= 8
    from civic.core.models import Theme

    assert set(Theme.objects.values_list("slug", flat=True)) <= set(
        Initiative.objects.values_list("themes__slug", flat=True)
    )
    published = Initiative.objects.published()
    assert published.exclude(title_es="").exclude(title_en="").count() >= 50
    assert Initiative.objects.filter(status=Status.IN_REVIEW).exists()
    assert PracticalTip.objects.exists() and VideoReport.objects.exists()
    assert Initiative.objects.published().search("compst").exists()
