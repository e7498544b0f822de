from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from stakeholders.forms import SignInForm

from . import api_urls, health, scoring_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Clients that ask for /favicon.ico without reading the page's <link rel="icon">.
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots),
    path("guide/", views.guide_index, name="guides"),
    path("guide/<slug:topic>/", views.guide_page, name="guide"),
    path("reports/", views.reports, name="reports"),
    path("reports/audit/", views.audit, name="audit"),
    path("reports/streets/", scoring_views.street_scores, name="street_scores"),
    path("reports/streets.csv", scoring_views.street_scores_csv, name="street_scores_csv"),
    path("reports/streets.xlsx", scoring_views.street_scores_xlsx, name="street_scores_xlsx"),
    path("reports/exports/<uuid:pk>/", views.export_job, name="export_job"),
    path("reports/exports/<uuid:pk>/download", views.export_download, name="export_download"),
    path("reports/<slug:code>.csv", views.report_csv, name="report_csv"),
    path("reports/<slug:code>.xlsx", views.report_xlsx, name="report_xlsx"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("stakeholders.urls")),
    path("projects/", include("projects.urls")),
    path("approvals/", include("approvals.urls")),
    path("feedback/", include("feedback.urls")),
    path("disclosure/", include("disclosure.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls.api_v1)),
    path("api/", include(api_urls.schema)),
    path("open311/v2/", include(api_urls.open311_v2)),
]
handler400 = "portal.views.bad_request"
handler404 = "portal.views.not_found"
