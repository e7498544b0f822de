"""stakeholders/files.py: uploads are checked by content, not by name or claimed type."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from core.files import check_upload
from tests.factories import proof_file


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 128, 0)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt, expected", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_images_are_recognised_by_content(fmt, expected):
    # Named .pdf and claimed as text: the bytes decide.
    checked = check_upload(proof_file("scan.pdf", image_bytes(fmt), content_type="text/plain"), max_bytes=10**6)
    assert checked.content_type == expected


def test_pdf_is_accepted():
    checked = check_upload(
        proof_file("contract.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n", "application/pdf"), max_bytes=10**6
    )
    assert checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "empty"),
        (b"<html><script>alert(1)</script>", "bad_type"),
        (b"GIF89a" + b"\x00" * 20, "bad_type"),
        (b"\xff\xd8\xff" + b"\x00" * 30, "broken_image"),
    ],
)
def test_bad_uploads_are_refused_with_a_code(content, code):
    with pytest.raises(ValidationError) as error:
        check_upload(proof_file("x.png", content), max_bytes=10**6)
    assert error.value.code == code


def test_size_limit():
    with pytest.raises(ValidationError) as error:
        check_upload(proof_file("x.png", image_bytes("PNG")), max_bytes=10)
    assert error.value.code == "too_large"
