from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("petitions/new/", views.petition_start, name="petition_start"),
    path("sponsorships/<int:pk>/answer", views.sponsorship_answer, name="sponsorship_answer"),
    path("votes/<slug:code>/", views.vote_detail, name="vote"),
    path("votes/<slug:code>/manage", views.vote_manage, name="vote_manage"),
    path("votes/<slug:code>/paper/", views.paper_ballots, name="paper_ballots"),
    path("votes/<slug:code>/ballots/<int:pk>/scan", views.ballot_scan, name="ballot_scan"),
    path("needs/<int:pk>/support", views.need_support, name="need_support"),
    path("needs/<int:pk>/triage", views.need_triage, name="need_triage"),
    path("needs/<int:pk>/photo", views.need_photo, name="need_photo"),
    path("hearings/<int:pk>/record", views.hearing_record, name="hearing_record"),
    path("hearings/<int:pk>/desk/", views.hearing_desk, name="hearing_desk"),
    path("drawings/<int:pk>", views.drawing_file, name="drawing"),
    path("votes/<slug:code>/proxy", views.proxy_ballot, name="proxy_ballot"),
    path("estates/<slug:estate_code>/proxies/", views.proxy_desk, name="proxy_desk"),
    path("estates/<slug:estate_code>/site-plan/<str:size>.jpg", views.site_plan_image, name="site_plan"),
    path("proxies/<int:pk>/revoke", views.proxy_revoke, name="proxy_revoke"),
    path("hearings/<int:pk>/sheet", views.hearing_sheet, name="hearing_sheet"),
    path("defects/<int:pk>/fix", views.defect_fix, name="defect_fix"),
    path("completion-reports/<int:pk>/document", views.completion_document, name="completion_document"),
    path("<slug:code>/", views.project_detail, name="detail"),
    path("<slug:code>/petition/invite", views.petition_invite, name="petition_invite"),
    path("<slug:code>/petition/submit", views.petition_submit, name="petition_submit"),
    path("<slug:code>/votes/new", views.vote_new, name="vote_new"),
    path("<slug:code>/needs/", views.needs, name="needs"),
    path("<slug:code>/needs/site-plan", views.site_plan_put, name="site_plan_put"),
    path("<slug:code>/hearings/", views.hearings, name="hearings"),
    path("<slug:code>/plan/", views.plan_start, name="plan_start"),
    path("<slug:code>/plan/<int:number>/", views.plan_version, name="plan"),
    path("<slug:code>/plan/<int:number>/drawings", views.drawing_add, name="drawing_add"),
    path("<slug:code>/plan/<int:number>/management/", views.plan_management, name="plan_management"),
    path("<slug:code>/designers", views.designer_assign, name="designer_assign"),
    path("<slug:code>/award/", views.award, name="award"),
    path("<slug:code>/acceptance/", views.acceptance, name="acceptance"),
    path("<slug:code>/acceptance/sign", views.acceptance_sign, name="acceptance_sign"),
    path("<slug:code>/acceptance/report/", views.completion_report, name="completion_report"),
]
