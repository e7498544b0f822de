"""A property firm's contract term (issue 20 item 5): the management section's term in years, the
manager award's last day (the firms handed an estate before this get the default term from their
acceptance), and the renewal vote (续聘) as a decision of the owners."""

import calendar
from datetime import date

from django.conf import settings
from django.db import migrations, models


def _term_end(start, years):
    month = start.month - 1 + 12 * years
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def terms_for_existing_managers(apps, schema_editor):
    Award = apps.get_model("projects", "Award")
    for award in Award.objects.filter(role="manager", ended_at__isnull=True, term_ends__isnull=True).select_related(
        "project"
    ):
        start = award.project.completed_on or award.awarded_at.date()
        award.term_ends = _term_end(start, settings.MANAGER_DEFAULT_TERM_YEARS)
        award.save(update_fields=["term_ends"])


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0024_defect_overdue'),
    ]

    operations = [
        migrations.AddField(
            model_name='award',
            name='term_ends',
            field=models.DateField(blank=True, null=True, verbose_name='contract ends on'),
        ),
        migrations.AddField(
            model_name='award',
            name='term_notified',
            field=models.BooleanField(default=False, verbose_name='told the term is ending'),
        ),
        migrations.AddField(
            model_name='planmanagement',
            name='contract_years',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='contract term (years)'),
        ),
        migrations.AlterField(
            model_name='vote',
            name='decides',
            field=models.CharField(blank=True, choices=[('elevator', 'Adding an elevator (加装电梯, a 改建)'), ('rebuild', 'Rebuilding or altering buildings or their facilities (改建、重建)'), ('raise_funds', 'Raising maintenance funds (筹集维修资金)'), ('common_use', 'Changing the use of common parts, or running a business on them'), ('use_funds', 'Using the maintenance fund (使用维修资金)'), ('renewal', "Renewing the property-management firm's contract (续聘物业服务企业)"), ('other', 'Another matter')], max_length=12, verbose_name='what it decides'),
        ),
        migrations.RunPython(terms_for_existing_managers, migrations.RunPython.noop),
    ]
