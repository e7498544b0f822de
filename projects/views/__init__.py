"""The pages about projects, one module per subject like projects/services/: projects (list, detail,
timeline), petitions, votes (with the paper-ballot desk), needs, plans, works (award, acceptance).
Re-exported here for projects/urls.py."""

from . import annual  # noqa: F401
from .acceptance import (  # noqa: F401
    acceptance,
    acceptance_sign,
    completion_document,
    completion_report,
    defect_fix,
)
from .designers import designer_assign, drawing_add, drawing_file  # noqa: F401
from .hearings import hearing_desk, hearing_record, hearing_sheet, hearings  # noqa: F401
from .management import plan_management  # noqa: F401
from .needs import (  # noqa: F401
    NEEDS_PER_PAGE,
    _need_in_scope,
    _render_needs,
    need_photo,
    need_support,
    need_triage,
    needs,
    site_plan_image,
    site_plan_put,
)
from .petitions import (  # noqa: F401
    petition_invite,
    petition_start,
    petition_submit,
    sponsorship_answer,
)
from .plans import (  # noqa: F401
    plan_start,
    plan_version,
)
from .procurement import tender, tenders  # noqa: F401
from .projects import (  # noqa: F401
    NEEDS_ON_PROJECT_PAGE,
    PROJECTS_PER_PAGE,
    _detail_context,
    _petition_context,
    _works_context,
    project_detail,
    project_list,
)
from .proxies import proxy_ballot, proxy_desk, proxy_revoke  # noqa: F401
from .votes import (  # noqa: F401
    VOTERS_PER_PAGE,
    ballot_scan,
    paper_ballots,
    vote_detail,
    vote_manage,
    vote_new,
)
from .works import award  # noqa: F401
