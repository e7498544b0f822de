"""Decisions: petitions, votes, needs, plans and the project lifecycle."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_catalog(sender, using="default", apps=None, **kwargs):
    from .catalog import ensure_catalog

    try:  # the model as the migrations left it (post_migrate passes their app registry)
        model = apps.get_model("projects", "CatalogItem") if apps is not None else None
    except LookupError:  # migrated back before the catalog existed
        return
    if model is None:
        from .models import CatalogItem as model
    ensure_catalog(model, using=using)


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # After migrate and after flush (which test databases go through), like content types.
        post_migrate.connect(_ensure_catalog, sender=self, dispatch_uid="projects.ensure_catalog")
