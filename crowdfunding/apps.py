from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrowdfundingConfig(AppConfig):
    name = "crowdfunding"
    verbose_name = _("Civic crowdfunding")

    def ready(self) -> None:
        from crowdfunding.pagecache import watch_pages

        watch_pages()
        import crowdfunding.rules  # noqa: F401  (registers the permissions)
        from civic.accounts.services import register_member_data
        from civic.core.discovery import register
        from civic.organizations.services import register_invitation_role
        from crowdfunding import services
        from crowdfunding.discovery import ProjectProvider

        register(ProjectProvider())
        register_invitation_role(
            "crowdfunding.project.holder_member",
            label=_("the holder of the project"),
            accept=lambda *, target, member: services.project_holder_set(project=target, member=member),
        )
        register_member_data("crowdfunding", services)
