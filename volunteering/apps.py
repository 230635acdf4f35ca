from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteer missions")

    def ready(self):
        from volunteering.pagecache import watch_pages

        watch_pages()
        from civic.accounts.services import register_erasure, register_export
        from civic.core.discovery import register
        from volunteering.discovery import MissionProvider

        register("mission", MissionProvider())
        register_export("volunteering", export_member)
        register_erasure(erase_member)


def export_member(user) -> dict:
    from volunteering.models import Participation

    return {
        "participations": [
            {
                "mission": p.slot.mission.title,
                "starts_at": p.slot.starts_at.isoformat(),
                "status": p.status,
                "hours": str(p.hours) if p.hours is not None else None,
                "shares_contact": p.share_contact,
            }
            for p in Participation.objects.filter(member=user).select_related("slot__mission")
        ],
        "recommendations_sent": user.mission_recommendations.count(),
    }


def erase_member(user) -> None:
    """Participations stay (hours and counts), but the contact sharing ends; recommendations go."""
    from volunteering.models import Participation, Recommendation

    Participation.objects.filter(member=user).update(share_contact=False)
    Recommendation.objects.filter(sender=user).delete()
