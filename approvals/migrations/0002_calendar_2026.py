"""The 2026 holidays and 调休 working days (国务院办公厅关于2026年部分节假日安排的通知). Later years are
entered as each notice comes out (admin: Calendar days); until then a year counts by weekdays."""

from datetime import date, timedelta

from django.db import migrations

HOLIDAYS = [  # (first day, last day, name)
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
WORKDAYS = [  # weekend days worked in their place
    (date(2026, 1, 4), "元旦调休"),
    (date(2026, 2, 14), "春节调休"),
    (date(2026, 2, 28), "春节调休"),
    (date(2026, 5, 9), "劳动节调休"),
    (date(2026, 9, 20), "国庆节调休"),
    (date(2026, 10, 10), "国庆节调休"),
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    rows = []
    for first, last, name in HOLIDAYS:
        day = first
        while day <= last:
            rows.append(CalendarDay(day=day, kind="holiday", name=name))
            day += timedelta(days=1)
    rows += [CalendarDay(day=day, kind="workday", name=name) for day, name in WORKDAYS]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


def unload(apps, schema_editor):
    apps.get_model("approvals", "CalendarDay").objects.filter(day__year=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
