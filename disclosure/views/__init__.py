"""Public pages (no sign-in, no personal data) and the street office's and contractor's desks on
them, one module per subject: projects (index, estates, a project's page, contractors), votes
(results anyone can check), money (ledger and budget desks), works (progress, milestones, photos),
inspections (council representatives' notes),
open_data; cache holds how whole pages and fragments are kept (keys: projects/revision.py).
Re-exported here for disclosure/urls.py."""

from .cache import (  # noqa: F401
    CSRF_PLACEHOLDER,
    _cached,
    _city_revision,
    _json,
    _revision,
    _same_for_everyone,
    _whole_page,
)
from .collection import collection_desk, payment_receipt, shares_json, shares_page  # noqa: F401
from .councils import council, council_certificate, council_list, councils_json  # noqa: F401
from .councils import rules as council_rules  # noqa: F401
from .evaluations import evaluation_desk, project_evaluation, report_document  # noqa: F401
from .heads import heads_day_json, heads_json, project_heads_json  # noqa: F401
from .inspections import inspection_photo, inspections_page  # noqa: F401
from .lists import organization_lists  # noqa: F401
from .maintenance import maintenance_page, maintenance_photo  # noqa: F401
from .map import city_map, estates_geojson, map_workloads  # noqa: F401
from .money import (  # noqa: F401
    _act_and_report,
    _acting_project,
    budget,
    ledger_page,
    ledger_reverse,
    ledger_voucher,
    voucher_response,
)
from .objections import objections_page  # noqa: F401
from .open_data import (  # noqa: F401
    opendata_oc4ids,
    opendata_projects_csv,
)
from .projects import (  # noqa: F401
    COMPLAINT_ACTION_MARKER,
    ESTATES_PER_PAGE,
    LEDGER_PER_PAGE,
    PROJECTS_PER_PAGE,
    _complaint_action,
    _project_body,
    _project_page,
    _public_project_or_404,
    contractor,
    contractors,
    estates,
    index,
    integrity_counts,
    ledger_json,
    managers,
    project,
)
from .utilities import budget_utilities, utility_decide, utility_desk  # noqa: F401
from .volunteers import points_redeem, volunteer_decide, volunteer_rate, volunteers_page  # noqa: F401
from .votes import (  # noqa: F401
    CHECK_TEXTS,
    VOTES_PER_PAGE,
    _explained,
    _public_vote,
    vote,
    vote_json,
    vote_receipt,
    votes,
    votes_json,
)
from .works import (  # noqa: F401
    milestone_update,
    photo,
    progress_page,
)
