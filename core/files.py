"""Private files: documents that hold personal data (ownership proofs, paper-ballot scans, ledger
vouchers, complaint photos). They are stored under PRIVATE_MEDIA_ROOT, which no URL maps to, and
leave the server only through `private_file_response`, called by a view after its permissions.py
check. Each app's models name their folders with `UploadPath("folder")`.
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

PRIVATE_FILE_SALT = "stakeholders.private-file"  # the value admins' links were signed with: unchanged


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
        # The admins' view lives in the app that decides who is an admin (settings name it).
        return reverse(settings.PRIVATE_FILE_URL_NAME, args=[signing.dumps(name, salt=PRIVATE_FILE_SALT)])


_private_storage = PrivateFileStorage()


def private_storage() -> PrivateFileStorage:
    # A callable keeps the storage (and its path) out of migrations.
    return _private_storage


CONTENT_TYPE_FIELDS = (
    "proof_content_type",
    "scan_content_type",
    "photo_content_type",
    "voucher_content_type",
    "document_content_type",
)


def stored_name(instance, folder: str) -> str:
    """A fresh name in `folder`: it never contains what the user typed (it may hold their name or
    address), only a random hex and the extension of the type the upload check found."""
    content_type = next((value for f in CONTENT_TYPE_FIELDS if (value := getattr(instance, f, ""))), "")
    extension = mimetypes.guess_extension(content_type) or ""
    return f"{folder}/{uuid.uuid4().hex}{extension}"


@deconstructible
class UploadPath:
    """`upload_to` for a private file kept in one folder."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return stored_name(instance, self.folder)

    def __eq__(self, other):
        return isinstance(other, UploadPath) and other.folder == self.folder


@deconstructible
class PhotoPath:
    """`upload_to` of core.models.StoredPhoto's two files: the folder comes from the concrete model's
    PHOTO_FOLDERS (full size, thumbnail), so one abstract model serves every app's photos."""

    def __init__(self, which: int):
        self.which = which

    def __call__(self, instance, filename: str) -> str:
        return stored_name(instance, instance.PHOTO_FOLDERS[self.which])

    def __eq__(self, other):
        return isinstance(other, PhotoPath) and other.which == self.which


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
    "too_many_pixels": _(
        "This photo is too large (%(width)s × %(height)s pixels). "
        "Please upload one of at most %(megapixels)s megapixels."
    ),
    # Pillow refuses to even read the size of a truly huge image, so there is none to show.
    "too_many_pixels_unknown": _("This photo is too large. Please upload one of at most %(megapixels)s megapixels."),
}

# Decoding untrusted images is a denial-of-service risk: a few kilobytes of PNG can claim to be a
# gigapixel. Every image upload (proofs, ballot scans, vouchers, need, progress and complaint photos)
# has its pixel count checked from the header before anything is decoded.
MAX_PIXELS = 40_000_000
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def pixel_limit() -> int:
    # Pillow warns above its own MAX_IMAGE_PIXELS; anything it would warn about is refused too,
    # checked here rather than by turning the warning into an error (warning filters are global
    # to the process, and so not safe to change in a threaded server).
    pillow_limit = Image.MAX_IMAGE_PIXELS
    return MAX_PIXELS if pillow_limit is None else min(MAX_PIXELS, pillow_limit)


def too_many_pixels(size: tuple[int, int] | None) -> ValidationError:
    megapixels = MAX_PIXELS // 1_000_000 if MAX_PIXELS >= 1_000_000 else round(MAX_PIXELS / 1_000_000, 2)
    if size is None:
        return ValidationError(
            UPLOAD_ERRORS["too_many_pixels_unknown"], code="too_many_pixels", params={"megapixels": megapixels}
        )
    width, height = size
    return ValidationError(
        UPLOAD_ERRORS["too_many_pixels"],
        code="too_many_pixels",
        params={"width": width, "height": height, "megapixels": megapixels},
    )


def check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > pixel_limit():
        raise too_many_pixels(size)


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
                check_pixels(image.size)  # from the header, before anything is decoded
                image.verify()
        except BOMB_ERRORS:
            raise too_many_pixels(None) from None
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
