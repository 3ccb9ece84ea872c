"""Settings: production refuses to start without a secret; dev/test defaults stay safe."""

import os
import subprocess
import sys

from django.conf import settings


def _import_production(**env):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings.production"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_production()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    assert _import_production(DJANGO_SECRET_KEY="x" * 50).returncode == 0


def test_language_time_zone_and_no_outbound_calls():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAILEMBEDS_FINDERS == []
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_PASSWORD_RESET_ENABLED is False
