"""Photos that may be shown widely (progress photos on public pages, complaint photos to the
organizations that answer them).

A photo as it comes off a phone carries much more than its pixels. Its EXIF block usually holds
the GPS position where it was taken (often a contractor's or a resident's home), the time to the
second, and the phone's make, model and sometimes serial number; XMP packets and JPEG comments can
carry the same and more. Under the PIPL (个人信息保护法) location and device identifiers are
personal information, and a public page is the widest disclosure there is. So nothing of the
uploaded file is published: the photo is decoded, turned upright (the EXIF orientation is applied
to the pixels, since the tag that said so is dropped), flattened to RGB, downscaled, and encoded
again as a fresh JPEG with no metadata at all — no EXIF, no XMP, no comment, no ICC profile.

Decoding untrusted images is also a denial-of-service risk: a few kilobytes of PNG can claim to be
a gigapixel. The pixel count is checked from the header before anything is decoded, and Pillow's
own decompression-bomb guard is turned into a form error rather than a server error.
"""

import io
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .files import (
    BOMB_ERRORS,
    IMAGE_TYPES,
    JPEG,
    PNG,
    UPLOAD_ERRORS,
    WEBP,
    check_pixels,
    check_upload,
    too_many_pixels,
)

FULL_MAX_SIDE = 2048
THUMB_MAX_SIDE = 480
FULL_QUALITY = 85
THUMB_QUALITY = 80
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


# What Pillow raises on a corrupt, truncated or unsupported file while decoding it.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)


@dataclass(frozen=True)
class ProcessedPhoto:
    full: ContentFile
    thumb: ContentFile
    width: int
    height: int
    thumb_width: int
    thumb_height: int
    content_type: str = JPEG


def process_photo(uploaded) -> ProcessedPhoto:
    """Check an uploaded photo and re-encode it, upright and without metadata, as a full-size JPEG
    (longest side at most FULL_MAX_SIDE) and a thumbnail (at most THUMB_MAX_SIDE).

    Raises ValidationError with code `empty`, `too_large`, `bad_image_type`, `broken_image`
    (from core.files.check_upload, or when decoding fails) or `too_many_pixels`.
    """
    max_bytes = getattr(settings, "PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    try:
        check_upload(uploaded, allowed=IMAGE_TYPES, max_bytes=max_bytes)
    except BOMB_ERRORS:
        raise too_many_pixels(None) from None

    uploaded.seek(0)
    try:
        with Image.open(uploaded) as source:
            check_pixels(source.size)
            if source.format == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still leaves at least
                # FULL_MAX_SIDE on each side: far less memory and time for big camera photos.
                source.draft("RGB", (FULL_MAX_SIDE, FULL_MAX_SIDE))
            source.load()
            image = ImageOps.exif_transpose(source)
            image = _to_rgb_or_rgba(image)
            image = _fit(image, FULL_MAX_SIDE)
            full = _flatten(image)
    except ValidationError:
        raise
    except BOMB_ERRORS:
        raise too_many_pixels(None) from None
    except _DECODE_ERRORS:
        raise ValidationError(UPLOAD_ERRORS["broken_image"], code="broken_image") from None
    finally:
        uploaded.seek(0)

    thumb = _fit(full, THUMB_MAX_SIDE)
    return ProcessedPhoto(
        full=ContentFile(_encode(full, FULL_QUALITY), name="photo.jpg"),
        thumb=ContentFile(_encode(thumb, THUMB_QUALITY), name="photo-thumb.jpg"),
        width=full.width,
        height=full.height,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
    )


def _to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    """RGBA if the image has any transparency (to be flattened later), RGB otherwise."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        # 16-bit greyscale: a plain convert() would clip everything above 255 to white.
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        return image.convert("RGBA")
    return image if image.mode == "RGB" else image.convert("RGB")


def _fit(image: Image.Image, max_side: int) -> Image.Image:
    """Scale down so the longest side is at most max_side; never scale up."""
    width, height = image.size
    longest = max(width, height)
    if longest <= max_side:
        return image
    scale = max_side / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flatten(image: Image.Image) -> Image.Image:
    """A brand-new RGB image holding only the pixels (transparency over white): a new Image has
    an empty `info`, so no EXIF, XMP, comment or ICC profile can be carried over to the JPEG."""
    canvas = Image.new("RGB", image.size, (255, 255, 255))
    canvas.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
    return canvas


def _encode(image: Image.Image, quality: int) -> bytes:
    assert not image.info, "a published photo must not carry metadata"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


DOCUMENT_QUALITY = 92
_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


def document_without_metadata(uploaded, content_type: str):
    """A document that is an image (an ownership proof, a ballot scan, a voucher) re-encoded at its
    own size and in its own format, upright, with no EXIF, XMP, comment or ICC profile: the people
    who check it (community staff, the street office) need the page, not where or on which phone it
    was photographed. Call after core.files.check_upload, which bounds its size and pixels. A PDF is
    returned unchanged (its own metadata is not rewritten: see docs/security.md)."""
    uploaded.seek(0)
    if content_type not in _FORMATS:
        return uploaded
    fmt = _FORMATS[content_type]
    try:
        with Image.open(uploaded) as source:
            check_pixels(source.size)
            source.load()
            image = _to_rgb_or_rgba(ImageOps.exif_transpose(source))
    except ValidationError:
        raise
    except BOMB_ERRORS:
        raise too_many_pixels(None) from None
    except _DECODE_ERRORS:
        raise ValidationError(UPLOAD_ERRORS["broken_image"], code="broken_image") from None
    if fmt == "JPEG" or image.mode == "RGB":
        clean = _flatten(image)
    else:  # PNG or WebP with transparency: a fresh RGBA canvas, so its `info` is empty too
        clean = Image.new("RGBA", image.size)
        clean.paste(image)
    assert not clean.info, "a document image must not carry metadata"
    buffer = io.BytesIO()
    params = {"quality": DOCUMENT_QUALITY} if fmt in ("JPEG", "WEBP") else {}
    clean.save(buffer, format=fmt, **params)
    return ContentFile(buffer.getvalue(), name=uploaded.name)


def process_photos(uploads, *, field: str = "photos") -> list[ProcessedPhoto]:
    """Process every upload before anything is stored; a bad one is an error on `field`."""
    processed = []
    for upload in uploads:
        try:
            processed.append(process_photo(upload))
        except ValidationError as error:
            raise ValidationError({field: error}) from None
    return processed


def store_photo(row, processed: ProcessedPhoto):
    """Fill and save a photo row (image, thumb, photo_content_type, width, height, thumb_width,
    thumb_height — ProgressPhoto, ComplaintPhoto) from a processed photo."""
    row.photo_content_type = processed.content_type
    row.width, row.height = processed.width, processed.height
    row.thumb_width, row.thumb_height = processed.thumb_width, processed.thumb_height
    row.image.save("photo.jpg", processed.full, save=False)
    row.thumb.save("thumb.jpg", processed.thumb, save=False)
    row.save()
    return row
