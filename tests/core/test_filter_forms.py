"""Every list page filters through a form's ``filter(queryset)`` (``civic.core.filters.FilterForm``):
an invalid value gets its message next to its field, never a 500."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from civic.core.filters import FilterForm
from civic.places.models import City
from tests.factories import CityFactory
from tests.participation.factories import CitySpaceFactory

pytestmark = pytest.mark.django_db


class CityFilter(FilterForm):
    country = forms.ChoiceField(choices=[("", "All"), ("FR", "France"), ("ES", "Spain")], required=False)
    name = forms.CharField(required=False, max_length=5)

    def apply(self, queryset, data):
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("name"):
            queryset = queryset.filter(name__icontains=data["name"])
        return queryset


class StrictCityFilter(CityFilter):
    empty_when_invalid = True


def test_the_valid_filters_apply_and_the_invalid_one_is_left_out_with_its_message(city):
    form = CityFilter({"country": "XX", "name": city.name[:3]})

    assert list(form.filter(City.objects.all())) == [city]
    assert "country" in form.errors


def test_a_strict_filter_lists_nothing_while_a_value_is_invalid(city):
    assert list(StrictCityFilter({"country": "XX"}).filter(City.objects.all())) == []
    assert list(StrictCityFilter({"country": city.country}).filter(City.objects.all())) == [city]


def test_an_unbound_filter_form_lists_everything(city):
    assert list(CityFilter(None).filter(City.objects.all())) == [city]


@pytest.mark.parametrize(
    ("url_name", "params", "field"),
    [
        ("events:index", {"start": "not-a-date"}, "start"),
        ("events:calendar", {"kind": "bogus"}, "kind"),
        ("initiatives:index", {"km": "far", "theme": "bogus"}, "km"),
        ("volunteering:index", {"km": "far"}, "km"),
        ("crowdfunding:index", {"stage": "bogus"}, "stage"),
    ],
)
def test_a_list_page_shows_the_message_of_an_invalid_filter_next_to_its_field(
    client, url_name, params, field
):
    with translation.override("en"):
        response = client.get(reverse(url_name), params)

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()


def test_the_proposals_of_a_space_show_the_message_of_an_invalid_filter(client, city):
    CitySpaceFactory(city=city)
    with translation.override("en"):
        response = client.get(reverse("participation:space", args=[city.slug]), {"status": "bogus"})

    assert response.status_code == 200
    assert 'id="id_status_error"' in response.content.decode()


def test_narrow_filters_on_each_given_value_only(city):
    other = CityFactory(slug="sevilla", country="ES")

    def narrowed(data):
        return set(FilterForm.narrow(City.objects.all(), data, country="country", place="slug"))

    assert narrowed({"country": "ES", "place": ""}) == {other}
    assert narrowed({"country": city.country, "place": city.slug}) == {city}
    assert narrowed({}) == {city, other}
