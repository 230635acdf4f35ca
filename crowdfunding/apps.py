from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrowdfundingConfig(AppConfig):
    name = "crowdfunding"
    verbose_name = _("Civic crowdfunding")

    def ready(self) -> None:
        import crowdfunding.rules  # noqa: F401  (registers the permissions)
        from civic.core.apps import plug_in
        from civic.organizations.services import register_invitation_role
        from crowdfunding import services
        from crowdfunding.discovery import ProjectProvider

        plug_in(self, ProjectProvider())
        register_invitation_role(
            "crowdfunding.project.holder_member",
            label=_("the holder of the project"),
            accept=lambda *, target, member: services.project_holder_set(project=target, member=member),
        )
