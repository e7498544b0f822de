from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("catalog/", views.catalog, name="catalog"),
    path("departments/", views.departments, name="departments"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("submissions/<int:pk>/document", views.submission_document, name="document"),
    path("projects/<slug:code>/", views.project, name="project"),
]
