"""Every write about money and works, by subject: budgets, ledger, works, inspections. Permissions are decided on
locked, fresh rows; every change bumps the project's public revision (projects.revision.project_touch),
so the cached public pages never show it stale. Re-exported here for callers."""

from django.core.exceptions import ValidationError  # noqa: F401  (callers catch services.ValidationError)

from .budgets import adopted_plan, budget_approve, budget_publish, budget_save_draft  # noqa: F401
from .checkpoints import checkpoint_record, heads_at, heads_digest_build  # noqa: F401
from .collection import COLLECTION_ERRORS, exemption_record, payment_record, payout_record  # noqa: F401
from .errors import (  # noqa: F401
    BUDGET_ERRORS,
    EVALUATION_ERRORS,
    INSPECTION_ERRORS,
    LEDGER_ERRORS,
    MAINTENANCE_ERRORS,
    PROGRESS_ERRORS,
    UTILITY_ERRORS,
    VOLUNTEER_ERRORS,
)
from .evaluations import engagement_add, report_publish, report_save, site_visit_record  # noqa: F401
from .inspections import inspection_answer, inspection_post, inspections_overdue_notify  # noqa: F401
from .ledger import ledger_record, ledger_reverse, ledger_totals_refresh, management_record  # noqa: F401
from .utilities import (  # noqa: F401
    utility_line,
    utility_problems,
    utility_share_decide,
    utility_share_remove,
    utility_share_set,
)
from .volunteers import points_redeem, volunteer_decide, volunteer_log, volunteer_rate_set  # noqa: F401
from .works import maintenance_post, milestone_add, milestone_update, progress_post  # noqa: F401
