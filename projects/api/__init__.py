"""The projects API (/api/v1/), one module per subject like projects/services/ and projects/views/:
reads through selectors (scoped: out of scope is 404), actions through the services (which ask
permissions.py). Re-exported here for portal/api_urls.py."""

from .needs import (  # noqa: F401
    NeedListCreate,
    NeedPage,
    NeedPhoto,
    NeedSupport,
    NeedTriage,
)
from .petitions import (  # noqa: F401
    PetitionDetail,
    PetitionInvite,
    PetitionStart,
    PetitionSubmit,
    SponsorshipAnswer,
    SponsorshipWithdraw,
    _petition_body,
)
from .plans import (  # noqa: F401
    PlanComment,
    PlanDetail,
    PlanItemAdd,
    PlanItemRemove,
    PlanList,
    PlanManagementPut,
    PlanPublish,
    PlanVote,
    _version,
    _version_out,
)
from .projects import (  # noqa: F401
    CONFLICT,
    DONE,
    ERRORS_SCHEMA,
    ProjectDetail,
    ProjectList,
    ProjectTransition,
    _call,
    _visible_project,
)
from .votes import (  # noqa: F401
    BallotCast,
    BallotScan,
    PaperBallot,
    VoteAction,
    VoteCreate,
    VoteDetail,
    VoteList,
    VoterPage,
)
from .works import (  # noqa: F401
    AcceptanceSign,
    AwardCreate,
    CompletionReports,
    DefectFix,
)
