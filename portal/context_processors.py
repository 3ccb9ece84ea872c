from django.utils import timezone


def portal(request):
    """Site-wide template context: the viewer's watermark line and the navigation menu, filtered by access."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {}
    from portal.selectors import menu_pages_for

    profile = getattr(user, "security_profile", None)
    watermark = " ".join(
        part for part in (user.get_full_name() or user.get_username(), profile.employee_no if profile else "") if part
    )
    return {
        "portal_menu": lambda: menu_pages_for(user=user, request=request),
        "portal_watermark": f"{watermark} {timezone.localtime():%Y-%m-%d %H:%M}",
    }
