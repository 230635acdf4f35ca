from importlib import import_module

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


def plug_in(config: AppConfig, provider) -> None:
    """Connect a feature app to the kernel, as each one does in its ``ready()``: the writes its
    ``pagecache.watch_pages()`` watches, its discovery ``provider`` (``civic.core.discovery``), and the
    member-data hooks of its ``services`` (``member_export``, ``member_erase``; the export section is
    the app's name). What only one app has (rules, invitation roles, sections) it adds itself."""
    from civic.accounts.services import register_member_data
    from civic.core.discovery import register

    import_module(f"{config.name}.pagecache").watch_pages()
    register(provider)
    register_member_data(config.name, import_module(f"{config.name}.services"))
