"""The one way a list page turns its GET filters into a queryset.

A page builds ``form = XFilterForm(request.GET or None)`` and lists ``form.filter(Model.objects.…)``.
``filter()`` validates the form and hands the valid values to ``apply()``, which calls QuerySet methods
(the reads live on the QuerySets, the form only chooses which ones). An invalid value is left out
and gets its message next to its field when the form is shown: a mistyped link still lists, it never
answers 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet


class FilterForm(forms.Form):
    """Base of every list page's filter form: subclasses declare fields and implement ``apply()``.

    ``empty_when_invalid`` lists nothing while a value is invalid, for forms where leaving one filter
    out would list misleading rows (a place that cannot be found must not list the whole world)."""

    empty_when_invalid = False

    def filter(self, queryset: QuerySet, **options: Any) -> QuerySet:
        """``queryset`` narrowed (and ordered) by the valid filters; ``options`` go to ``apply()``."""
        valid = self.is_valid()
        if self.empty_when_invalid and self.is_bound and not valid:
            return queryset.none()
        return self.apply(queryset, getattr(self, "cleaned_data", {}), **options)

    def apply(self, queryset: QuerySet, data: dict[str, Any], **options: Any) -> QuerySet:
        """Narrow ``queryset`` by ``data`` (only the valid fields, possibly none) with QuerySet methods."""
        raise NotImplementedError

    @staticmethod
    def narrow(queryset: QuerySet, data: dict[str, Any], **lookups: str) -> QuerySet:
        """``queryset`` filtered on ``lookup=value`` for each ``field="lookup"`` given a value in
        ``data``: ``self.narrow(qs, data, city="city__slug", theme="themes__slug")``. One ``filter()``
        call a field, in the order given (a many-valued relation is joined once a field, as chained
        calls would)."""
        for field, lookup in lookups.items():
            if data.get(field):
                queryset = queryset.filter(**{lookup: data[field]})
        return queryset
