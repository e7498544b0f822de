"""What the parallel approvals say when they refuse, in plain words (translated when shown)."""

from django.utils.translation import gettext_lazy as _

APPROVAL_ERRORS = {
    "catalog_not_allowed": _("The housing bureau keeps the catalog of approval matters."),
    "department_kind": _("Choose a department or a utility: they decide approval matters."),
    "time_limit": _("Give a time limit from 1 to 120 working days."),
    "matter_exists": _("The department already has a matter called “%(name)s”."),
    "submit_not_allowed": _("Only the street office submits the adopted plan to the departments."),
    "status": _("The plan is submitted while it is adopted and before the budget; the project is now “%(status)s”."),
    "submitted": _("The plan is already submitted: its matters are in the departments' queues."),
    "no_plan": _("There is no adopted plan to submit."),
    "decide_not_allowed": _("Only the department the matter belongs to decides it."),
    "decided": _("This round is already decided (“%(status)s”)."),
    "decision": _("Choose approve, approve with conditions, or return."),
    "text_required": _("Write the conditions or the reasons: the street office and the public read them."),
    "resubmit_not_allowed": _("Only the street office resubmits a returned matter, while the plan is adopted."),
    "note_required": _("Say what was changed for the department."),
    "resubmitted": _("It was resubmitted a moment ago."),
    "pending": _("These approval matters are not approved yet: %(matters)s. The budget waits for them."),
}
