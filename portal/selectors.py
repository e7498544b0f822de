"""Reads of the portal app: export jobs and the audit trail."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from disclosure.selectors import ledger_category_label
from projects.models import Project
from stakeholders.services import organization_group_label

from . import permissions
from .models import ExportJob


def export_jobs_of(user, *, limit: int = 10):
    return list(ExportJob.objects.filter(requested_by=user).order_by("-created_at")[:limit])


def export_job_for(user, pk) -> ExportJob | None:
    """The job if the user may see it (requester or admin), else None (a 404)."""

    job = ExportJob.objects.filter(pk=pk).select_related("requested_by").first()
    return job if job is not None and permissions.can_download_export(user, job) else None


def audit_display(entries) -> list:
    """Each entry with `display_changes`: [(field label, before, after)] in words — verbose names,
    choice labels, ledger categories and funding sources by name; a linked record by its number
    (no query per row: auditlog's own display would fetch every foreign key)."""

    entries = list(entries)
    for entry in entries:
        entry.object_repr = organization_group_label(entry.object_repr or "")
        model = entry.content_type.model_class()
        rows = []
        for name, values in (entry.changes_dict or {}).items():
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            label = str(getattr(field, "verbose_name", name)) if field is not None else name
            choices = dict(field.choices) if getattr(field, "choices", None) else None

            def word(value, field=field, choices=choices, name=name):
                if value in (None, "None", ""):
                    return None
                if choices is not None:
                    return str(choices.get(value, value))
                if field is not None and name in ("category", "source"):
                    return ledger_category_label(str(value))
                if field is not None and field.is_relation:
                    return f"#{value}"
                return str(value)

            before, after = (list(values) + [None, None])[:2]
            rows.append((label, word(before), word(after)))
        entry.display_changes = rows
    return entries


def audit_entries(*, project_code: str = "", username: str = ""):
    """Log entries, newest first, optionally of one project (entries carry its id) or one actor."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if project_code:
        project = Project.objects.filter(code=project_code).values_list("pk", flat=True).first()
        qs = qs.filter(Q(additional_data__project=project)) if project else qs.none()
    if username:
        qs = qs.filter(actor__username=username)
    return qs
