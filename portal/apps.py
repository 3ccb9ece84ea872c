from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal security")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, permission_policies, signal_handlers  # noqa: F401

        permission_policies.register()
