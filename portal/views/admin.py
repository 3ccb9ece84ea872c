"""Admin views that are not plain model editing: resetting a user's second factor."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.services.people import PROFILE_PERMISSION, otp_devices_reset


@require_http_methods(["GET", "POST"])
def otp_reset_view(request, user_id):
    if not request.user.has_perm(PROFILE_PERMISSION):
        raise PermissionDenied
    target = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        removed = otp_devices_reset(actor=request.user, user=target)
        messages.success(
            request,
            _("Removed %(count)s devices of %(user)s; they enrol again at their next login.")
            % {"count": removed, "user": target.get_username()},
        )
        return redirect("security_profiles:index")
    return TemplateResponse(request, "portal/admin/otp_reset_confirm.html", {"target": target})
