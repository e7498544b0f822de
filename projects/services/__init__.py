"""Every write about projects, one module per subject (zulip's zerver/actions/, HackSoft's
modules): lifecycle, petitions, votes, needs, plans, hearings, works, acceptance. This package
re-exports their names, so `from projects import services` keeps working; new code may import from
the module itself."""

from .acceptance import (  # noqa: F401
    ACCEPTANCE_ERRORS,
    COMPLETION_GAPS,
    Gap,
    acceptance_sign,
    completion_gaps,
    completion_report_file,
    defect_fix,
    defects_overdue_notify,
    gap_words,
)
from .annual import (  # noqa: F401
    ANNUAL_ERRORS,
    annual_plan_close,
    annual_plan_open,
    excluded_items,
    exclusion_save,
    plan_entry_decide,
    plan_entry_propose,
    plan_entry_withdraw,
)
from .designers import DESIGN_ERRORS, plan_designer_assign, plan_drawing_add  # noqa: F401
from .hearings import (  # noqa: F401
    HEARING_ERRORS,
    hearing_check_in,
    hearing_desk_sign_in,
    hearing_record,
    hearing_schedule,
)
from .lifecycle import (  # noqa: F401
    ERRORS,
    STREET_OFFICE_PERMS,
    _code_for,
    _notify_sponsors,
    _save_with_fresh_code,
    project_create,
    project_transition,
)
from .management import MANAGEMENT_ERRORS, plan_management_save  # noqa: F401
from .needs import (  # noqa: F401
    NEED_ERRORS,
    _need_error,
    need_file,
    need_support,
    need_triage,
)
from .petitions import (  # noqa: F401
    PETITION_ERRORS,
    _petition_error,
    petition_start,
    petition_submit,
    sponsor_answer,
    sponsor_invite,
    sponsor_withdraw,
)
from .plans import (  # noqa: F401
    PLAN_ERRORS,
    _lock_version,
    plan_comment_add,
    plan_comment_answer,
    plan_item_add,
    plan_item_remove,
    plan_version_edit,
    plan_version_publish,
    plan_version_start,
    plan_vote_call,
    vote_possible_from,
)
from .proxies import (  # noqa: F401
    PROXY_ERRORS,
    ballot_cast_by_proxy,
    ballot_record_paper_by_proxy,
    proxy_record,
    proxy_revoke,
)
from .renewal import manager_terms_check, renewal_due, term_end  # noqa: F401
from .votes import (  # noqa: F401
    RESULT_NOTES,
    VOTE_ERRORS,
    _apply_result,
    _households_in_scope,
    _store_ballot,
    _vote_url,
    _voter_user_ids,
    ballot_cast,
    ballot_record_paper,
    new_receipt_code,
    normalise_receipt,
    receipt_hash,
    vote_close,
    vote_close_now,
    vote_create,
    vote_open,
    votes_close_due,
)
from .works import (  # noqa: F401
    AWARD_ERRORS,
    AWARD_HOLDS,
    AWARD_KINDS,
    AWARD_PERMS,
    project_award,
)
