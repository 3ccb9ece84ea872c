"""Login with password + TOTP, the token step, enrolment and backup codes. The only ways into the portal."""

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import LoginForm, TokenForm
from portal.services import otp

BAD_CREDENTIALS = gettext_lazy("The username, password or authenticator code is not correct.")


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            form.add_error(None, BAD_CREDENTIALS)
        elif not otp.has_device(user):
            # First login: the session stays unverified and can only reach enrolment.
            login(request, user)
            return redirect("portal:otp_enrol")
        else:
            device = otp.token_match(request=request, user=user, token=data["otp_token"])
            if device is None:
                form.add_error(None, BAD_CREDENTIALS)
            else:
                login(request, user)
                otp.session_verify(request=request, device=device)
                return redirect(_next_url(request))
    return render(request, "portal/accounts/login.html", {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("otp_token")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request):
    """The token step for a session that has a password but no second factor yet."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not otp.has_device(request.user):
        return redirect("portal:otp_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.token_match(request=request, user=request.user, token=form.cleaned_data["otp_token"])
        if device is None:
            form.add_error("otp_token", _("The authenticator code is not correct."))
        else:
            otp.session_verify(request=request, device=device)
            return redirect(_next_url(request))
    return render(request, "portal/accounts/verify.html", {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("otp_token")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_view(request):
    """First-login enrolment. Adding a device needs a session without any device: a password alone can't add one."""
    if otp.has_device(request.user):
        return redirect("portal:otp_backup_codes" if request.user.is_verified() else "portal:otp_verify")
    device = otp.totp_enrolment_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.totp_enrolment_confirm(request=request, device=device, token=form.cleaned_data["otp_token"])
        if codes:
            return render(request, "portal/accounts/backup_codes.html", {"codes": codes, "first_time": True})
        form.add_error("otp_token", _("The code does not match. Check the time on your phone and try again."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_data_uri(scale=5),
        "secret": otp.totp_secret_base32(device),
    }
    return render(request, "portal/accounts/enrol.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes_view(request):
    if request.method == "POST":
        codes = otp.backup_codes_regenerate(user=request.user)
        return render(request, "portal/accounts/backup_codes.html", {"codes": codes})
    return render(request, "portal/accounts/backup_codes.html", {"codes": None})


@require_POST
def logout_view(request):
    auth_logout(request)
    messages.info(request, _("You have been signed out."))
    return redirect("portal:login")
