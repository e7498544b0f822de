"""Who may do what with a project, one module per subject (like projects.services): the view and
the lifecycle, petitions and votes, needs and the plan, the works and their acceptance, hearings and
proxies. Street offices, contractors and supervisors reach a project through guardian grants to their
organization's group; residents and community staff through predicates on the estate (architecture §2).
This package re-exports the public names, so `from projects import permissions` keeps working."""

from .annual import (  # noqa: F401
    PROPOSABLE,
    can_close_year,
    can_decide_entry,
    can_keep_negative_list,
    can_open_year,
    can_propose,
    can_withdraw_entry,
    keeps_the_plan,
    may_propose,
    proposes_for,
)
from .base import (  # noqa: F401
    VIEW,
    available_transitions,
    can_transition,
    can_view_project,
    may_list_projects,
)
from .meetings import (  # noqa: F401
    HEARING_STATUSES,
    can_cast_by_proxy,
    can_check_in,
    can_record_hearing,
    can_record_proxy,
    can_record_proxy_paper_ballot,
    can_revoke_proxy,
    can_schedule_hearing,
    can_sign_in_at_desk,
    can_view_hearing_sheet,
    proxy_covers,
)
from .petitions import (  # noqa: F401
    can_answer_invitation,
    can_cast_ballot,
    can_cast_ballot_now,
    can_close_vote_now,
    can_invite_sponsors,
    can_manage_votes,
    can_open_vote,
    can_record_paper_ballot,
    can_start_petition,
    can_submit_petition,
    can_view_ballot_scan,
    can_withdraw_sponsorship,
    is_in_electorate,
    may_see_paper_ballots,
    vote_accepts_ballots,
)
from .plans import (  # noqa: F401
    DESIGN_STATUSES,
    can_answer_plan_comment,
    can_assign_designer,
    can_attach_drawing,
    can_call_plan_vote,
    can_comment_plan,
    can_draft_plan,
    can_edit_plan_version,
    can_file_need,
    can_publish_plan_version,
    can_read_plan_version,
    can_start_plan_version,
    can_support_need,
    can_triage_needs,
    is_plan_designer,
)
from .procurement import (  # noqa: F401
    can_ask_flagged_award,
    can_decide_flagged_award,
    can_keep_tender_record,
    can_see_tender_record,
)
from .works import (  # noqa: F401
    MANAGE,
    REPORT_PROGRESS,
    SUPERVISE,
    acceptance_roles,
    can_award,
    can_file_completion_report,
    can_fix_defect,
    can_fix_defects,
    can_refuse_acceptance,
    can_sign_acceptance,
    can_view_completion_document,
    filed_report,
    is_acceptance_designer,
    is_project_contractor,
    is_project_manager,
    is_project_supervisor,
    required_acceptance_roles,
)
