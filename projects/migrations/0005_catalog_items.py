"""Load the renovation item catalog (projects/catalog.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from projects.catalog import ensure_catalog

    ensure_catalog(apps.get_model("projects", "CatalogItem"), using=schema_editor.connection.alias)


def unload(apps, schema_editor):
    from projects.catalog import CATALOG

    apps.get_model("projects", "CatalogItem").objects.filter(code__in=[row[0] for row in CATALOG]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_needs_plans")]

    operations = [migrations.RunPython(load, unload)]
