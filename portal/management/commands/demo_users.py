import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import data
from portal.enums import CLEARANCE_MARK
from portal.management.commands.load_demo import demo_password
from portal.services.otp import totp_secret_base32


class Command(BaseCommand):
    help = "Print the demo users with their passwords and TOTP secrets (only with DEBUG or PORTAL_DEMO on)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts and browser tests.")

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.PORTAL_DEMO):
            raise CommandError("demo_users only runs with DEBUG or PORTAL_DEMO=1: it prints login secrets.")
        User = get_user_model()
        rows = []
        for username, full_name, role, _clearance, _dept, _post, _no, _flags in data.USERS:
            user = User.objects.filter(username=username).select_related("security_profile__department").first()
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
            if user is None or device is None:
                raise CommandError(f"Demo user {username} is missing: run `manage.py load_demo` first.")
            profile = user.security_profile
            rows.append(
                {
                    "username": username,
                    "password": demo_password(username),
                    "totp_secret": totp_secret_base32(device),
                    "name": full_name,
                    "role": role,
                    "clearance": int(profile.clearance),
                    "clearance_label": CLEARANCE_MARK[profile.clearance],
                    "department": profile.department.name if profile.department else "",
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['username']:<10} {row['password']:<22} {row['clearance_label']} {row['department']:<6}"
                f" {row['role']:<8} TOTP {row['totp_secret']}"
            )
