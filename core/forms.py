"""Form helpers every app's views use."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or on top of the form), so
    the person sees what is wrong where they typed it, and nothing they typed is lost."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
