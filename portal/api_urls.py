"""/api/v1/ (each app's api.py), the OpenAPI schema and its docs page, and Open311 GeoReport v2."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from disclosure import api as disclosure_api
from feedback import api as feedback_api
from feedback import open311
from projects import api as projects_api
from stakeholders import api as stakeholders_api

api_v1 = [
    path("auth/token/", stakeholders_api.TokenView.as_view(), name="api-token"),
    path("auth/register/code/", stakeholders_api.RegisterCode.as_view(), name="api-register-code"),
    path("auth/register/", stakeholders_api.Register.as_view(), name="api-register"),
    path("auth/logout/", stakeholders_api.Logout.as_view(), name="api-logout"),
    path("claims/", stakeholders_api.Claims.as_view(), name="api-claims"),
    path("estates/", stakeholders_api.EstateList.as_view(), name="api-estates"),
    path("notifications/", stakeholders_api.NotificationList.as_view(), name="api-notifications"),
    path("notifications/settings/", stakeholders_api.NotificationSettings.as_view(), name="api-notification-settings"),
    path("notifications/<int:pk>/read/", stakeholders_api.NotificationRead.as_view(), name="api-notification-read"),
    path("claims/reviews/", stakeholders_api.ClaimReviewList.as_view(), name="api-claim-reviews"),
    path("claims/<int:pk>/verify/", stakeholders_api.ClaimReview.as_view(action="verify"), name="api-claim-verify"),
    path("claims/<int:pk>/reject/", stakeholders_api.ClaimReject.as_view(), name="api-claim-reject"),
    path("claims/<int:pk>/proof/", stakeholders_api.ClaimProof.as_view(), name="api-claim-proof"),
    path("projects/", projects_api.ProjectList.as_view(), name="api-projects"),
    path("projects/<slug:code>/", projects_api.ProjectDetail.as_view(), name="api-project"),
    path("projects/<slug:code>/needs/", projects_api.NeedListCreate.as_view(), name="api-needs"),
    path("projects/<slug:code>/ledger/", disclosure_api.Ledger.as_view(), name="api-ledger"),
    path(
        "projects/<slug:code>/management-ledger/",
        disclosure_api.ManagementLedger.as_view(),
        name="api-management-ledger",
    ),
    path("projects/<slug:code>/progress/", disclosure_api.Progress.as_view(), name="api-progress"),
    path("projects/<slug:code>/petition/", projects_api.PetitionDetail.as_view(), name="api-petition"),
    path("projects/<slug:code>/petition/sponsors/", projects_api.PetitionInvite.as_view(), name="api-petition-invite"),
    path("projects/<slug:code>/transitions/", projects_api.ProjectTransition.as_view(), name="api-project-transition"),
    path("projects/<slug:code>/plans/", projects_api.PlanList.as_view(), name="api-plans"),
    path("projects/<slug:code>/budget/", disclosure_api.BudgetDetail.as_view(), name="api-budget"),
    path(
        "projects/<slug:code>/budget/approve/",
        disclosure_api.BudgetAction.as_view(action="approve"),
        name="api-budget-approve",
    ),
    path(
        "projects/<slug:code>/budget/publish/",
        disclosure_api.BudgetAction.as_view(action="publish"),
        name="api-budget-publish",
    ),
    path("projects/<slug:code>/milestones/", disclosure_api.MilestoneAdd.as_view(), name="api-milestones"),
    path(
        "projects/<slug:code>/milestones/<int:pk>/status/",
        disclosure_api.MilestoneStatus.as_view(),
        name="api-milestone-status",
    ),
    path(
        "projects/<slug:code>/ledger/<int:seq>/reverse/",
        disclosure_api.LedgerReverse.as_view(),
        name="api-ledger-reverse",
    ),
    path(
        "projects/<slug:code>/ledger/<int:seq>/voucher/",
        disclosure_api.LedgerVoucher.as_view(),
        name="api-ledger-voucher",
    ),
    path("projects/<slug:code>/petition/submit/", projects_api.PetitionSubmit.as_view(), name="api-petition-submit"),
    path("projects/<slug:code>/votes/", projects_api.VoteCreate.as_view(), name="api-vote-create"),
    path("projects/<slug:code>/award/", projects_api.AwardCreate.as_view(), name="api-award"),
    path("projects/<slug:code>/acceptance/", projects_api.AcceptanceSign.as_view(), name="api-acceptance"),
    path(
        "projects/<slug:code>/completion-reports/",
        projects_api.CompletionReports.as_view(),
        name="api-completion-reports",
    ),
    path("defects/<int:pk>/fix/", projects_api.DefectFix.as_view(), name="api-defect-fix"),
    path("sponsorships/<int:pk>/answer/", projects_api.SponsorshipAnswer.as_view(), name="api-sponsorship-answer"),
    path(
        "sponsorships/<int:pk>/withdraw/", projects_api.SponsorshipWithdraw.as_view(), name="api-sponsorship-withdraw"
    ),
    path("plans/<int:pk>/comments/", projects_api.PlanComment.as_view(), name="api-plan-comment"),
    path("plans/<int:pk>/publish/", projects_api.PlanPublish.as_view(), name="api-plan-publish"),
    path("plans/<int:pk>/", projects_api.PlanDetail.as_view(), name="api-plan"),
    path("plans/<int:pk>/items/", projects_api.PlanItemAdd.as_view(), name="api-plan-items"),
    path("plans/<int:pk>/items/<int:item>/", projects_api.PlanItemRemove.as_view(), name="api-plan-item"),
    path("plans/<int:pk>/vote/", projects_api.PlanVote.as_view(), name="api-plan-vote"),
    path("plans/<int:pk>/management/", projects_api.PlanManagementPut.as_view(), name="api-plan-management"),
    path("petitions/", projects_api.PetitionStart.as_view(), name="api-petition-start"),
    path("votes/<slug:code>/paper-ballots/", projects_api.PaperBallot.as_view(), name="api-paper-ballot"),
    path("votes/<slug:code>/paper-ballots/<int:pk>/scan/", projects_api.BallotScan.as_view(), name="api-ballot-scan"),
    path("needs/<int:pk>/support/", projects_api.NeedSupport.as_view(), name="api-need-support"),
    path("needs/<int:pk>/triage/", projects_api.NeedTriage.as_view(), name="api-need-triage"),
    path("needs/<int:pk>/photo/", projects_api.NeedPhoto.as_view(), name="api-need-photo"),
    path("votes/", projects_api.VoteList.as_view(), name="api-votes"),
    path("votes/<slug:code>/", projects_api.VoteDetail.as_view(), name="api-vote"),
    path("votes/<slug:code>/ballots/", projects_api.BallotCast.as_view(), name="api-ballot"),
    path("votes/<slug:code>/open/", projects_api.VoteAction.as_view(action="open"), name="api-vote-open"),
    path("votes/<slug:code>/close/", projects_api.VoteAction.as_view(action="close"), name="api-vote-close"),
    path("complaints/", feedback_api.ComplaintListCreate.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", feedback_api.ComplaintDetail.as_view(), name="api-complaint"),
    path(
        "complaints/<int:pk>/transitions/", feedback_api.ComplaintTransition.as_view(), name="api-complaint-transition"
    ),
    path("complaints/<int:pk>/messages/", feedback_api.ComplaintMessage.as_view(), name="api-complaint-message"),
    path("surveys/invitations/", feedback_api.MyInvitations.as_view(), name="api-invitations"),
    path("surveys/invitations/<int:pk>/answer/", feedback_api.InvitationAnswer.as_view(), name="api-invitation-answer"),
    path("surveys/answers/", feedback_api.LinkAnswer.as_view(), name="api-link-answer"),
    path("surveys/<int:pk>/letters/", feedback_api.SurveyLetters.as_view(), name="api-survey-letters"),
    path("surveys/<int:pk>/paper-answers/", feedback_api.SurveyPaperAnswer.as_view(), name="api-survey-paper"),
]

open311_v2 = [
    re_path(r"^discovery\.(?P<fmt>json|xml)$", open311.discovery, name="open311-discovery"),
    re_path(r"^services\.(?P<fmt>json|xml)$", open311.services_list, name="open311-services"),
    re_path(r"^services/(?P<code>[a-z_]+)\.(?P<fmt>json|xml)$", open311.service_definition, name="open311-service"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", open311.requests_view, name="open311-requests"),
    re_path(r"^requests/(?P<pk>\d+)\.(?P<fmt>json|xml)$", open311.request_detail, name="open311-request"),
]

schema = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL: no inline script (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
