from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import permissions, selectors, services
from .forms import TransitionForm
from .models import Project

PROJECTS_PER_PAGE = 50


@login_required
def project_list(request):
    projects = selectors.projects_visible_to(request.user).order_by("-status_changed_at", "-id")
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/list.html", {"projects": page.object_list, "page": page, "page_query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, code: str):
    project = get_object_or_404(selectors.projects_visible_to(request.user), code=code)
    failed = None
    if request.method == "POST":
        form = TransitionForm(request.POST)
        if form.is_valid():
            to = form.cleaned_data["to"]
            if to not in Project.Status.values or not permissions.can_transition(request.user, project, to):
                raise PermissionDenied(services.ERRORS["not_allowed"])
            try:
                services.project_transition(
                    project=project, to=to, actor=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field, errors)
                else:
                    form.add_error(None, error)
                failed = (to, form)
            else:
                messages.success(request, _("Status changed to “%(status)s”.") % {"status": Project.Status(to).label})
                return redirect(project)
    transitions = []
    for to in permissions.available_transitions(request.user, project):
        form = failed[1] if failed and failed[0] == to else TransitionForm(initial={"to": to})
        form.auto_id = f"id_{to}_%s"  # one form per transition on the page: distinct field ids
        transitions.append((Project.Status(to), form))
    context = {
        "project": project,
        "events": selectors.project_events(project),
        "transitions": transitions,
        "failed": failed,
    }
    return render(request, "projects/detail.html", context, status=400 if failed else 200)
