"""Progress photos are published, so what leaves disclosure.photos must be pixels only: no EXIF
(GPS position, device, time), no XMP, no comment, no ICC profile; upright; bounded in size; and
anything that is not a sane image is refused with a form error, never a server error."""

import io
import warnings

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import ExifTags, Image, ImageCms

from core import files
from core.photos import FULL_MAX_SIDE, THUMB_MAX_SIDE, ProcessedPhoto, process_photo

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretPhoneApp"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def decoded(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


def raw(content_file) -> bytes:
    content_file.seek(0)
    return content_file.read()


def two_halves(size=(400, 200)) -> Image.Image:
    """Left half red, right half blue: shows which way a rotation went."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def close_to(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour))


def phone_jpeg(size=(400, 200), orientation=6) -> bytes:
    """A JPEG as a phone writes it: GPS position, make/model/serial, time, orientation, XMP, a
    comment and an ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R5"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = "2024:05:01 08:30:00"
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.BodySerialNumber] = "SN-0123456789"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 13.0, 45.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 12.25)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(two_halves(size), "JPEG", exif=exif, xmp=XMP, comment=b"home of Zhang San", icc_profile=icc)


def refusal(data: bytes, name: str = "IMG_0001.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        process_photo(upload(data, name))
    return caught.value


# ---------------------------------------------------------------------------------------------
# Metadata and orientation


def test_the_test_photo_really_carries_personal_metadata():
    """Guards the tests below: they would pass vacuously if the input had no metadata."""
    image = Image.open(io.BytesIO(phone_jpeg()))
    exif = image.getexif()
    assert exif[ExifTags.Base.Make] == "Canon"
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert image.info["comment"] == b"home of Zhang San"
    assert "icc_profile" in image.info and "xmp" in image.info


def test_published_photo_and_thumbnail_carry_no_metadata():
    result = process_photo(upload(phone_jpeg()))

    for content_file in (result.full, result.thumb):
        image = decoded(content_file)
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo)) == {}
        for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"):
            assert key not in image.info, key
        data = raw(content_file)
        assert b"\xff\xe1" not in data  # no APP1 segment (EXIF or XMP) at all
        for leak in (
            b"Exif",
            b"GPS",
            b"Canon",
            b"EOS R5",
            b"SN-0123456789",
            b"2024:05:01",
            b"ns.adobe.com",
            b"SecretPhoneApp",
            b"Zhang San",
            b"ICC_PROFILE",
        ):
            assert leak not in data, leak


def test_exif_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned, the viewer must rotate 90° clockwise to see it upright.
    result = process_photo(upload(phone_jpeg(size=(400, 200), orientation=6)))

    assert (result.width, result.height) == (200, 400)
    image = decoded(result.full)
    assert image.size == (200, 400)
    # The red left half of the stored pixels ends up on top once turned clockwise.
    assert close_to(image.getpixel((100, 50)), RED)
    assert close_to(image.getpixel((100, 350)), BLUE)
    thumb = decoded(result.thumb)
    assert thumb.size == (result.thumb_width, result.thumb_height) == (200, 400)


def test_photo_without_orientation_keeps_its_shape():
    result = process_photo(upload(phone_jpeg(size=(400, 200), orientation=1)))

    image = decoded(result.full)
    assert image.size == (400, 200)
    assert close_to(image.getpixel((50, 100)), RED)
    assert close_to(image.getpixel((350, 100)), BLUE)


# ---------------------------------------------------------------------------------------------
# Sizes


def test_big_photo_is_capped_for_full_and_thumbnail():
    result = process_photo(upload(encode(two_halves((5000, 3000)), "JPEG", quality=70)))

    assert isinstance(result, ProcessedPhoto)
    assert (result.width, result.height) == (FULL_MAX_SIDE, 1229)
    assert (result.thumb_width, result.thumb_height) == (THUMB_MAX_SIDE, 288)
    assert decoded(result.full).size == (result.width, result.height)
    assert decoded(result.thumb).size == (result.thumb_width, result.thumb_height)
    assert result.content_type == "image/jpeg"
    assert result.full.name.endswith(".jpg") and result.thumb.name.endswith(".jpg")
    assert result.full.name != result.thumb.name


def test_big_portrait_jpeg_decoded_at_reduced_scale_still_fills_the_full_size():
    # 4200 × 4400 lets libjpeg decode at half scale (2100 × 2200); the result must still be 2048 high.
    result = process_photo(upload(encode(two_halves((4200, 4400)), "JPEG", quality=60)))

    assert max(result.width, result.height) == FULL_MAX_SIDE
    assert result.height == FULL_MAX_SIDE
    assert result.width == round(4200 * FULL_MAX_SIDE / 4400)
    assert max(result.thumb_width, result.thumb_height) == THUMB_MAX_SIDE


def test_small_photo_is_not_upscaled():
    result = process_photo(upload(encode(two_halves((300, 200)), "JPEG")))

    assert (result.width, result.height) == (300, 200)
    assert (result.thumb_width, result.thumb_height) == (300, 200)
    assert decoded(result.full).size == (300, 200)
    assert decoded(result.thumb).size == (300, 200)


def test_photo_between_thumbnail_and_full_size_keeps_full_size_and_gets_a_smaller_thumbnail():
    result = process_photo(upload(encode(two_halves((1000, 500)), "JPEG")))

    assert (result.width, result.height) == (1000, 500)
    assert (result.thumb_width, result.thumb_height) == (480, 240)


# ---------------------------------------------------------------------------------------------
# Other accepted formats


def test_transparent_png_is_flattened_onto_white_as_rgb_jpeg():
    image = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (100, 0, 200, 100))
    result = process_photo(upload(encode(image, "PNG"), name="site.png", content_type="image/png"))

    full = decoded(result.full)
    assert full.format == "JPEG"
    assert full.mode == "RGB"
    assert close_to(full.getpixel((50, 50)), WHITE, tolerance=10)  # transparent, not black
    assert close_to(full.getpixel((150, 50)), RED)
    assert decoded(result.thumb).mode == "RGB"


def test_palette_png_with_transparent_index_is_flattened_onto_white():
    image = Image.new("P", (100, 100), 0)
    image.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    image.paste(1, (50, 0, 100, 100))
    data = encode(image, "PNG", transparency=0)
    result = process_photo(upload(data, name="plan.png", content_type="image/png"))

    full = decoded(result.full)
    assert full.mode == "RGB"
    assert close_to(full.getpixel((20, 50)), WHITE, tolerance=10)
    assert close_to(full.getpixel((80, 50)), BLUE)


def test_sixteen_bit_greyscale_png_keeps_its_tones():
    image = Image.new("I;16", (100, 100), 0)
    image.paste(32896, (50, 0, 100, 100))  # mid grey in 16 bits (128 × 257)
    result = process_photo(upload(encode(image, "PNG"), name="scan.png", content_type="image/png"))

    full = decoded(result.full)
    assert close_to(full.getpixel((20, 50)), (0, 0, 0), tolerance=10)
    assert close_to(full.getpixel((80, 50)), (128, 128, 128), tolerance=10)  # not clipped to white


def test_webp_is_accepted_and_published_as_jpeg():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Huawei"
    data = encode(two_halves((640, 320)), "WEBP", exif=exif)
    result = process_photo(upload(data, name="site.webp", content_type="image/webp"))

    full = decoded(result.full)
    assert full.format == "JPEG"
    assert full.size == (640, 320)
    assert dict(full.getexif()) == {}
    assert b"Huawei" not in raw(result.full)
    assert (result.thumb_width, result.thumb_height) == (480, 240)


# ---------------------------------------------------------------------------------------------
# Refusals


def test_text_file_named_jpg_is_refused():
    error = refusal(b"just some text, not a photo at all\n" * 10, name="photo.jpg")
    assert error.code == "bad_image_type"


def test_truncated_jpeg_is_refused_as_broken():
    data = encode(two_halves((800, 600)), "JPEG")
    error = refusal(data[: len(data) // 2])
    assert error.code == "broken_image"


def test_jpeg_with_garbage_after_the_header_is_refused_as_broken():
    data = encode(two_halves((800, 600)), "JPEG")
    error = refusal(data[:200] + b"\x00" * 2000)
    assert error.code == "broken_image"


def test_empty_file_is_refused():
    error = refusal(b"")
    assert error.code == "empty"


@override_settings(PHOTO_MAX_BYTES=1000)
def test_file_over_the_byte_limit_is_refused():
    data = phone_jpeg()
    assert len(data) > 1000
    error = refusal(data)
    assert error.code == "too_large"


@override_settings(PHOTO_MAX_BYTES=1_000_000)
def test_file_under_the_byte_limit_is_accepted():
    data = encode(two_halves((400, 200)), "JPEG")
    assert len(data) < 1_000_000
    assert process_photo(upload(data)).width == 400


def test_image_over_the_pixel_limit_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_PIXELS", 10_000)
    error = refusal(encode(two_halves((200, 100)), "JPEG"))

    assert error.code == "too_many_pixels"
    assert error.params["width"] == 200 and error.params["height"] == 100
    with translation.override("en"):
        assert error.messages == [
            "This photo is too large (200 × 100 pixels). Please upload one of at most 0.01 megapixels."
        ]


def test_image_at_the_pixel_limit_is_accepted(monkeypatch):
    monkeypatch.setattr(files, "MAX_PIXELS", 20_000)
    assert process_photo(upload(encode(two_halves((200, 100)), "JPEG"))).width == 200


def test_pillow_decompression_bomb_error_is_a_form_error(monkeypatch):
    # Pillow itself refuses to open images over twice its MAX_IMAGE_PIXELS.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    error = refusal(encode(two_halves((200, 100)), "PNG"), name="bomb.png")

    assert error.code == "too_many_pixels"
    with translation.override("en"):
        assert error.messages == ["This photo is too large. Please upload one of at most 40 megapixels."]


def test_pillow_decompression_bomb_warning_is_a_form_error(monkeypatch):
    # Between 1× and 2× Pillow's limit it only warns; the photo is refused all the same ...
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 15_000)
    with pytest.warns(Image.DecompressionBombWarning):
        error = refusal(encode(two_halves((200, 100)), "PNG"), name="bomb.png")
    assert error.code == "too_many_pixels"
    assert (error.params["width"], error.params["height"]) == (200, 100)


def test_pillow_decompression_bomb_warning_raised_as_error_is_a_form_error(monkeypatch):
    # ... and also where warnings are turned into exceptions (python -W error).
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 15_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = refusal(encode(two_halves((200, 100)), "PNG"), name="bomb.png")
    assert error.code == "too_many_pixels"


def test_messages_are_translatable_lazy_strings():
    from django.utils.functional import Promise

    assert all(isinstance(message, Promise) for message in files.UPLOAD_ERRORS.values())
