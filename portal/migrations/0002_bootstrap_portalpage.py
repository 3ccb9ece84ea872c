from django.db import migrations
from wagtail.models import (
    BootstrapLocaleField,
    BootstrapTranslatableModel,
    BootstrapTranslationKeyField,
)


class Migration(migrations.Migration):
    """Step 2: Wagtail's bootstrap operations add locale and translation_key."""

    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        BootstrapLocaleField("portal.PortalPage"),
        BootstrapTranslationKeyField("portal.PortalPage"),
        BootstrapTranslatableModel("portal.PortalPage"),
    ]
