from django.contrib import admin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template", "to", "language", "status", "attempts", "sent_at")
    list_filter = ("status", "template", "language")
    search_fields = ("to", "subject", "key")
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False
