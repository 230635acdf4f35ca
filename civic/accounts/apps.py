from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civic.accounts"
    label = "accounts"
    verbose_name = _("Members")

    def ready(self) -> None:
        from civic.accounts.models import Follow, User
        from civic.core.pagecache import watch

        # A member's public page shows their profile and how many people follow them.
        watch(User, lambda member: [f"member:{member.pk}"])
        watch(Follow, lambda follow: [f"member:{follow.followed_id}"])
