"""A paginator whose count stops at a cap, shared by the lists that can hold a city's worth of rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``, without sorting):
    counting every row near a big city or with a common word costs as much as reading them all,
    and nobody pages that far. ``capped`` says the real number is larger ("more than 240 …")."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = found > self.cap
        return min(found, self.cap)


def query_without_page(request) -> str:
    """The list's query string without its page number: the filters that page links carry."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
