"""System checks for settings that must agree."""

from django.conf import settings
from django.core.checks import Error, Tags, register

LOGIN = "/accounts/login/"


@register(Tags.security)
def check_single_login(app_configs, **kwargs):
    errors = []
    for name in ("LOGIN_URL", "WAGTAIL_FRONTEND_LOGIN_URL", "WAGTAILADMIN_LOGIN_URL"):
        if getattr(settings, name, None) != LOGIN:
            errors.append(Error(f"{name} must be {LOGIN}: there is one login, with a second factor.", id="portal.E001"))
    if "portal.middleware.RequireVerifiedMiddleware" not in settings.MIDDLEWARE:
        errors.append(Error("RequireVerifiedMiddleware must be installed.", id="portal.E002"))
    if getattr(settings, "WAGTAIL_PASSWORD_RESET_ENABLED", True):
        errors.append(Error("Password reset must stay off: it would bypass the second factor.", id="portal.E003"))
    return errors
