"""The working-day clock (限时办结): Monday to Friday, except the public holidays, plus the weekend
days worked in their place (调休), as the calendar table says. A year not in the table counts by
weekdays alone, and the pages say so (`missing_years`)."""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta

from .models import CalendarDay


class WorkCalendar:
    """The calendar between two days, read in one query; ask it as often as needed."""

    def __init__(self, start: Date, end: Date):
        self.start, self.end = start, end
        rows = CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind")
        self.holidays = {d for d, kind in rows if kind == CalendarDay.Kind.HOLIDAY}
        self.workdays = {d for d, kind in rows if kind == CalendarDay.Kind.WORKDAY}

    def is_working(self, day: Date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def add_working_days(start: Date, n: int) -> Date:
    """The n-th working day after `start` (the day a matter of n working days is due)."""
    calendar = WorkCalendar(start, start + timedelta(days=n * 2 + 30))  # holidays never exceed that
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if day > calendar.end:  # a very long stretch of holidays: read further
            calendar = WorkCalendar(day, day + timedelta(days=left * 2 + 30))
        if calendar.is_working(day):
            left -= 1
    return day


def working_days_between(start: Date, end: Date, calendar: WorkCalendar | None = None) -> int:
    """Working days after `start` up to and including `end` (0 on the same day)."""
    if end <= start:
        return 0
    calendar = calendar or WorkCalendar(start, end)
    return sum(1 for i in range(1, (end - start).days + 1) if calendar.is_working(start + timedelta(days=i)))


def missing_years(*days: Date) -> list[int]:
    """The years among `days` the calendar table has no entry for (counted by weekdays alone)."""
    years = {d.year for d in days}
    rows = CalendarDay.objects.filter(day__year__in=years).order_by().values_list("day__year", flat=True)
    known = set(rows.distinct())
    return sorted(years - known)
