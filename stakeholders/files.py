"""Private files: documents that hold personal data (ownership proofs now; paper-ballot scans and
ledger vouchers later). They are stored under PRIVATE_MEDIA_ROOT, which no URL maps to, and leave
the server only through `private_file_response`, called by a view after its permissions.py check.
"""

import mimetypes
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

PRIVATE_FILE_SALT = "stakeholders.private-file"


class PrivateFileStorage(FileSystemStorage):
    """File storage with no public URL; its folder comes from settings.PRIVATE_MEDIA_ROOT.

    Pages serve these files through their own permission-checked views. Generic code that asks a
    file for its URL — Django's admin on every change page — gets the admins' endpoint instead: a
    signed name that answers only to platform admins (404 to anyone else), so nothing generic can
    500 on a private file or hand it to the wrong person.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):

        return reverse("stakeholders:private_file", args=[signing.dumps(name, salt=PRIVATE_FILE_SALT)])


_private_storage = PrivateFileStorage()


def private_storage() -> PrivateFileStorage:
    # A callable keeps the storage (and its path) out of migrations.
    return _private_storage


@deconstructible
class _UploadPath:
    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        # The stored name never contains what the user typed (it may hold their name or address).
        content_type = next(
            (
                getattr(instance, f, "")
                for f in ("proof_content_type", "scan_content_type", "photo_content_type", "voucher_content_type")
                if getattr(instance, f, "")
            ),
            "",
        )
        extension = mimetypes.guess_extension(content_type) or ""
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, _UploadPath) and other.folder == self.folder


ownership_proof_path = _UploadPath("ownership-proofs")
ballot_scan_path = _UploadPath("ballot-scans")
need_photo_path = _UploadPath("need-photos")


# ---------------------------------------------------------------------------------------------
# Upload checks

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
DOCUMENT_TYPES = (JPEG, PNG, WEBP, PDF)
IMAGE_TYPES = (JPEG, PNG, WEBP)

UPLOAD_ERRORS = {
    "too_large": _("The file is %(size)s; the limit is %(limit)s. Please upload a smaller scan or photo."),
    "empty": _("The file is empty. Please choose the scan or photo again."),
    "bad_type": _("This file type is not accepted. Please upload a JPEG, PNG or WebP photo, or a PDF."),
    "bad_image_type": _("This file type is not accepted. Please upload a JPEG, PNG or WebP photo."),
    "broken_image": _("This image could not be read. Please take the photo again or upload a PDF."),
}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    original_name: str


def _sniff(head: bytes) -> str | None:
    """The file type from its first bytes: the name and the browser's claim can lie."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def check_upload(uploaded, *, allowed: tuple[str, ...] = DOCUMENT_TYPES, max_bytes: int | None = None) -> CheckedUpload:
    """Validate an uploaded file's real type and size; raise ValidationError with a code."""
    limit = max_bytes if max_bytes is not None else settings.PROOF_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(UPLOAD_ERRORS["empty"], code="empty")
    if uploaded.size > limit:
        raise ValidationError(
            UPLOAD_ERRORS["too_large"],
            code="too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    uploaded.seek(0)
    content_type = _sniff(uploaded.read(16))
    uploaded.seek(0)
    if content_type not in allowed:
        code = "bad_type" if PDF in allowed else "bad_image_type"
        raise ValidationError(UPLOAD_ERRORS[code], code=code)
    if content_type != PDF:
        try:
            with Image.open(uploaded) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError(UPLOAD_ERRORS["broken_image"], code="broken_image") from None
        finally:
            uploaded.seek(0)
    return CheckedUpload(content_type=content_type, original_name=uploaded.name[-200:])


def private_file_response(field_file, *, content_type: str, download_name: str) -> FileResponse:
    """Stream a private file. Call only after the view's permission check."""
    response = FileResponse(field_file.open("rb"), content_type=content_type, filename=download_name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
