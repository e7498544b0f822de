"""The public face and the money: budgets, ledger, progress, open data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("Disclosure")

    def ready(self):
        # The award waits for the budget's public notice and its objections (disclosure/notices.py).
        from projects.services import works

        from .notices import award_hold

        if award_hold not in works.AWARD_HOLDS:
            works.AWARD_HOLDS.append(award_hold)

        # The completion report names what is unfinished: the items' progress and the milestones.
        from projects.services import acceptance

        from .completion import completion_gaps

        if completion_gaps not in acceptance.COMPLETION_GAPS:
            acceptance.COMPLETION_GAPS.append(completion_gaps)

        # The acceptance page sets each item's final cost beside what the ledger spent on it.
        from projects import after_build

        from .completion import ledger_spent_by_item

        if ledger_spent_by_item not in after_build.ITEM_SPENDING:
            after_build.ITEM_SPENDING.append(ledger_spent_by_item)
