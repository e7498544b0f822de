"""Every acceptance signature belongs to a completion report: the signatures given before reports
existed (supervisor, street, council) are put on a report no. 1 of their project, accepted when
the project completed, filed by the first signer for the contractor then awarded."""

import django.db.models.deletion
from django.db import migrations, models

LEGACY_SCOPE = "（本验收在竣工报告功能上线前完成，未单独填报竣工报告。）"


def reports_for_legacy_signatures(apps, schema_editor):
    Signature = apps.get_model("projects", "AcceptanceSignature")
    Report = apps.get_model("projects", "CompletionReport")
    Award = apps.get_model("projects", "Award")
    Project = apps.get_model("projects", "Project")
    for project_id in sorted(set(Signature.objects.filter(report__isnull=True).values_list("project_id", flat=True))):
        project = Project.objects.get(pk=project_id)
        signatures = list(Signature.objects.filter(project_id=project_id, report__isnull=True).order_by("signed_at"))
        award = (
            Award.objects.filter(project_id=project_id, role="contractor").order_by("ended_at", "-awarded_at").first()
        )
        completed = project.status in ("completed", "maintained")
        report = Report.objects.create(
            project_id=project_id,
            number=1,
            status="accepted" if completed else "filed",
            scope_done=LEGACY_SCOPE,
            organization_id=award.organization_id,
            filed_by_id=signatures[0].signed_by_id,
            closed_at=signatures[-1].signed_at if completed else None,
        )
        Report.objects.filter(pk=report.pk).update(filed_at=signatures[0].signed_at)
        Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(report=report)


class Migration(migrations.Migration):
    dependencies = [("projects", "0021_completion_reports")]

    operations = [
        migrations.RunPython(reports_for_legacy_signatures, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="acceptancesignature", name="one_acceptance_signature_per_role"),
        migrations.RemoveConstraint(model_name="acceptancesignature", name="one_signature_per_role_per_report"),
        migrations.AlterField(
            model_name="acceptancesignature",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signatures",
                to="projects.completionreport",
                verbose_name="completion report",
            ),
        ),
        migrations.AddConstraint(
            model_name="acceptancesignature",
            constraint=models.UniqueConstraint(fields=("report", "role"), name="one_signature_per_role_per_report"),
        ),
    ]
