"""Every write about complaints, surveys and contractor ratings (HackSoft services: keyword-only
typed arguments, permission checks from permissions.py, coded errors, notices through
stakeholders' one notification service), one module per subject. The periodic jobs (tasks.py)
call the `*_due` / `*_overdue` functions; each is idempotent. Re-exported here."""

from ..letters import (  # noqa: F401
    willingness_answer_path,
    willingness_send_batch,
    willingness_send_letters,
    willingness_unsent_chunks,
)
from .common import (  # noqa: F401
    _local,
    _member_ids,
)
from .complaints import (  # noqa: F401
    ERRORS,
    _acting_organization,
    _locked,
    _responder_ids,
    _street_office,
    _tell,
    complaint_file,
    complaint_message,
    complaint_route,
    complaint_transition,
    complaints_close_resolved,
    complaints_escalate_overdue,
)
from .integrity import (  # noqa: F401
    INTEGRITY_ERRORS,
    integrity_acknowledge,
    integrity_answer,
    integrity_by_code,
    integrity_close,
    integrity_escalate_overdue,
    integrity_file,
    integrity_write_by_code,
)
from .ratings import (  # noqa: F401
    _average,
    contractor_ratings_recompute,
    manager_ratings_recompute,
    supervisor_ratings_recompute,
)
from .surveys import (  # noqa: F401
    INVITE,
    REMIND,
    SURVEY_ERRORS,
    DispatchPlan,
    _chunks,
    _clean_answers,
    _new_nonce,
    _store_response,
    answer_path,
    batch_id,
    invitation_by_token,
    response_record_paper,
    response_submit_as_owner,
    response_submit_by_link,
    survey_close,
    survey_open,
    survey_send_and_deliver,
    survey_send_batch,
    surveys_dispatch,
    surveys_due,
    voting_owner_users,
)
from .willingness import (  # noqa: F401
    WILLINGNESS_ERRORS,
    willingness_answer_as_owner,
    willingness_answer_by_link,
    willingness_close,
    willingness_invitation_by_token,
    willingness_open,
    willingness_record_paper,
    willingness_unsent,
)
