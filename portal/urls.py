from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from portal.views import accounts, errors, health, media

app_patterns = (
    [
        path("accounts/login/", accounts.login_view, name="login"),
        path("accounts/verify/", accounts.verify_view, name="otp_verify"),
        path("accounts/otp/setup/", accounts.enrol_view, name="otp_enrol"),
        path("accounts/otp/backup-codes/", accounts.backup_codes_view, name="otp_backup_codes"),
        path("accounts/logout/", accounts.logout_view, name="logout"),
        path("documents/<int:document_id>/", media.document_serve, name="document_serve"),
        path("images/r/<int:rendition_id>/", media.image_serve, name="image_serve"),
    ],
    "portal",
)

# The stock admin login and password reset must never authenticate without a second factor.
closed_admin_auth = [
    path("admin/login/", RedirectView.as_view(url="/accounts/login/", query_string=True)),
    re_path(r"^admin/password_reset/", RedirectView.as_view(url="/accounts/login/")),
]

# Admin reports that list pages without the clearance filter stay closed, and so does the admin API's document and
# image listing (nothing in the admin uses it; it lists every title).
closed_admin_reports = [
    re_path(r"^admin/reports/page-types-usage/", errors.denied),
    re_path(r"^admin/api/main/(?:documents|images)/", errors.denied),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include(app_patterns)),
    *closed_admin_auth,
    *closed_admin_reports,
    # Old-style document links (/documents/<id>/<filename>) go through the same checked view.
    path("documents/<int:document_id>/<str:document_filename>", media.document_serve, name="wagtaildocs_serve"),
    path("admin/", include(wagtailadmin_urls)),
    path("search/", include("search.urls")),
    path("training/", include("training.urls")),
    path("reviews/", include("reviews.urls")),
    path("records/", include("records.urls")),
    path("", include(wagtail_urls)),
]
