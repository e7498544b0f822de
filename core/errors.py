"""Coded errors: every service raises ValidationError with a code, a translated message and,
where the person typed the value, the field it belongs to — so a form shows it next to that
field and the API returns `{"code", "message", "fields"}` (core.api)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError


def coded_error(messages: Mapping[str, str], code: str, field: str | None = None, **params) -> ValidationError:
    """A ValidationError with its code, on `field` (shown next to it) or on the whole form;
    `params` fill the message's %(name)s placeholders."""
    error = ValidationError(messages[code], code=code, params=params or None)
    return ValidationError({field: error}) if field else error


def errors_for(messages: Mapping[str, str]) -> Callable[..., ValidationError]:
    """`_error = errors_for(ERRORS)`: one service module's coded errors, `_error(code, field, **params)`."""

    def error(code: str, field: str | None = None, **params) -> ValidationError:
        return coded_error(messages, code, field, **params)

    return error
