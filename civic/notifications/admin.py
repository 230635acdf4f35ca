from django.contrib import admin

from civic.notifications.models import Notification
from civic.organizations.admin_mixins import EditorOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(EditorOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "email_status")
    list_filter = ("kind", "email_status")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
