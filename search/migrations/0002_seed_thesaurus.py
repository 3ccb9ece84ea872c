from django.db import migrations


def seed(apps, schema_editor):
    from search.services.thesaurus import thesaurus_seed

    thesaurus_seed(apps.get_model("portal_search", "ThesaurusEntry"))


class Migration(migrations.Migration):
    dependencies = [("portal_search", "0001_search_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
