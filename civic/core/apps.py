from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civic.core"
    label = "core"
    verbose_name = _("Shared kernel")

    def ready(self) -> None:
        from civic.core.models import Theme
        from civic.core.pagecache import SITE, watch
        from civic.organizations.models import Organization
        from civic.places.models import City

        # Names of themes, cities and organisations appear on nearly every page.
        for model in (Theme, City, Organization):
            watch(model, lambda obj: [SITE])
