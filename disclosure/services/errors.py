"""The coded, translated errors of money and works (core/errors.py)."""

from django.utils.translation import gettext_lazy as _

from core.errors import errors_for

BUDGET_ERRORS = {
    "not_allowed": _("You may not change this budget."),
    "state_changed": _("The budget changed a moment ago (it is now “%(now)s”). Reload the page and check."),
    "total_positive": _("The total must be more than zero."),
    "line_positive": _("Amounts must be more than zero (leave a source empty if it pays nothing)."),
    "no_lines": _("Say where the money comes from: fill in at least one funding source."),
    "lines_mismatch": _(
        "The funding sources add up to ¥%(sum)s, but the total is ¥%(total)s (a difference of ¥%(diff)s). They "
        "must be equal."
    ),
    "notice_days": _("The public notice lasts between 5 and 60 days."),
    "owners_line": _(
        "“%(line)s” must be ¥%(expected)s, as in the plan the owners adopted (version %(version)s): each "
        "owner's share is computed from it. To change what the owners pay, change the plan and vote again."
    ),
}

LEDGER_ERRORS = {
    "not_allowed": _("Ledger entries are recorded by the street office once the budget is published."),
    "amount_positive": _("The amount must be more than zero."),
    "counterparty_required": _("Say who paid or who was paid."),
    "source_required": _("Choose the funding source this income comes from."),
    "item_required": _("Choose the plan item this expense pays for."),
    "item_not_in_plan": _("This item is not in the project's adopted plan."),
    "bad_kind": _("Choose income or expense; corrections are made with “Reverse”."),
    "future_date": _("The date cannot be in the future."),
    "already_reversed": _("Entry %(seq)s has already been reversed."),
    "cannot_reverse_reversal": _("A reversal cannot itself be reversed; record a new entry instead."),
    "memo_required": _("Say why the entry is reversed: it is published with the correction."),
    "before_reversed": _("A reversal cannot be dated before entry %(seq)s, which it reverses."),
    "other_project": _("That entry belongs to another project."),
    "management_not_allowed": _(
        "The management ledger is kept after acceptance by the estate's manager (or, without a firm, its "
        "community committee)."
    ),
    "management_category": _("Choose what the money is: public revenue or fees coming in, maintenance going out."),
    "fee_credit_not_reversible": _(
        "A fee credit for volunteer points is not reversed: the points it used are spent. Record a new entry instead."
    ),
}

VOLUNTEER_ERRORS = {
    "not_allowed_log": _("Residents of the estate (owners, tenants and their families) log their volunteer work."),
    "not_allowed_decide": _(
        "A representative of the estate's council in term confirms volunteer work, never their own, once."
    ),
    "not_allowed_rate": _("The estate's council in term records the rate the estate agreed."),
    "not_allowed_redeem": _(
        "Points are exchanged after acceptance by whoever keeps the management ledger: the estate's manager (or, "
        "without a firm, its community committee)."
    ),
    "bad_activity": _("Choose what kind of volunteer work it was."),
    "future_date": _("The date cannot be in the future."),
    "too_old": _("Log volunteer work within %(days)s days of doing it."),
    "hours_range": _("Hours are from 0.5 to 12, in half hours."),
    "description_required": _("Say what you did, so the council can confirm it."),
    "reason_required": _("Say why it is not confirmed: the resident is told."),
    "rate_range": _("One point is worth from ¥0.01 to ¥10.00."),
    "meeting_required": _("Choose the council meeting at which the estate agreed the rate (its minutes recorded)."),
    "no_rate": _("The estate has no agreed rate yet: the council records it first."),
    "no_management_ledger": _("Points are exchanged once the works are accepted and the management ledger is kept."),
    "points_positive": _("Exchange at least one point."),
    "too_many_points": _("This resident has %(balance)s points to exchange."),
    "too_little": _("%(points)s points are worth less than ¥0.01: exchange more."),
    "date_range": _("The date is from the acceptance (%(date)s) to today."),
}

MAINTENANCE_ERRORS = {
    "not_allowed": _(
        "Maintenance is recorded after acceptance by the estate's manager (or, without a firm, its community "
        "committee)."
    ),
    "work_required": _("Say what was repaired or looked after."),
    "future_date": _("The date cannot be in the future."),
    "before_acceptance": _("The date cannot be before the acceptance (%(date)s)."),
    "item_not_in_plan": _("This item is not in the project's adopted plan."),
    "too_many_photos": _("At most %(max)s photos per record."),
    "entry_not_maintenance": _(
        "Choose an upkeep or maintenance-fund expense of this estate's management ledger (or none)."
    ),
}

PROGRESS_ERRORS = {
    "not_allowed": _("Only the contractor awarded this project posts its progress."),
    "percent_range": _("The percent complete is a whole number from 0 to 100."),
    "backwards_needs_note": _("Progress was %(before)s%% before; going back to %(now)s%% needs a note saying why."),
    "item_not_in_plan": _("This item is not in the project's adopted plan."),
    "too_many_photos": _("At most %(max)s photos per post."),
    "nothing_to_post": _("Write what was done or add a photo."),
    "date_met_required": _("Give the date the milestone was met."),
    "title_required": _("Give the milestone a title."),
    "date_met_future": _("The date met cannot be in the future."),
}

INSPECTION_ERRORS = {
    "not_allowed": _("Representatives of the estate's council in term inspect the works while they are under way."),
    "not_allowed_answer": _("The contractor of this project answers its inspection notes."),
    "findings_required": _("Write what you found."),
    "answer_required": _("Write your answer: what you did or will do about it."),
    "already_answered": _("This inspection note is already answered."),
    "item_not_in_plan": _("This item is not in the project's adopted plan."),
    "too_many_photos": _("At most %(max)s photos per note."),
}


_budget_error = errors_for(BUDGET_ERRORS)

UTILITY_ERRORS = {
    "not_allowed": _("The street office names the utilities while the budget is a draft."),
    "not_utility": _("Choose a utility (专营单位) registered on the portal."),
    "amount_positive": _("The amount must be more than zero."),
    "no_utility_line": _(
        "The budget has no utility line yet: put the utilities' total in “Utility companies” when you draft it."
    ),
    "over_line": _("The utilities' shares would add up to ¥%(sum)s, more than the budget's utility line of ¥%(line)s."),
    "decide_not_allowed": _("Only the utility asked may confirm or dispute its share."),
    "decided": _("This share was already answered (it is now “%(status)s”). Reload the page."),
    "reason_required": _("Say why the utility disputes the share: the street office reads it."),
    "decision": _("Choose confirm or dispute."),
    # The budget's approval waits for them (disclosure.services.budgets).
    "unsettled": _(
        "The utility line (¥%(line)s) is not settled: %(problems)s. The street office names each utility's "
        "share, and each utility confirms it, before the budget is approved."
    ),
    "shares_short": _("the utilities named carry ¥%(sum)s of it"),
    "waiting": _("%(utility)s has not answered yet"),
    "disputed": _("%(utility)s disputes its share: %(reason)s"),
}

EVALUATION_ERRORS = {
    "not_allowed": _("Evaluations are engaged by the housing bureau and written by the evaluator it engaged."),
    "not_evaluator": _("Choose a third-party evaluator registered on the portal."),
    "scope": _("Engage it for one project or for one plan year."),
    "engaged": _("This evaluator is already engaged for it."),
    "no_project": _("There is no project with that code."),
    "future": _("A visit cannot be dated in the future."),
    "note_required": _("Say what the visit saw."),
    "score": _("Give a score from 0 to 100."),
    "findings_required": _("Write the findings: they are published with the scores."),
    "published": _("The report is published; it can no longer be changed."),
}
