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


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header claims 30000 × 30000 pixels (900 megapixels) in a few dozen bytes: what
    an attacker uploads to make the server decode (and allocate) a gigapixel."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(30_000, 30_000), (8_000, 6_000)])
def test_an_image_bomb_is_a_form_error_for_every_upload(size):
    """Above Pillow's own limit it refuses to open the file (DecompressionBombError); between ours
    (40 megapixels) and Pillow's it would decode it: both are the same clear error, never a 500."""
    with pytest.raises(ValidationError) as error:
        check_upload(proof_file("bomb.png", bomb_png(*size), "image/png"))
    assert error.value.code == "too_many_pixels"


@pytest.mark.django_db
def test_image_bombs_get_400_on_proofs_vouchers_scans_and_need_photos(city):
    from datetime import timedelta
    from decimal import Decimal

    from django.urls import reverse
    from django.utils import timezone
    from rest_framework.test import APIClient

    from disclosure import services as money
    from projects import services as project_services
    from projects.models import CatalogItem, Project
    from tests.disclosure.conftest import adopted_project, publish_budget
    from tests.projects.conftest import project_at
    from tests.stakeholders.test_services import codes

    def bomb():
        return proof_file("bomb.png", bomb_png(), "image/png")

    # Claim proof, through the API (the form shares the service).
    api = APIClient()
    api.force_authenticate(city.plain_resident.user)
    home = city.homes_a1[5]
    answer = api.post(
        reverse("api-claims"),
        {
            "estate": home.building.estate.code,
            "building": home.building.number,
            "unit": home.unit,
            "room": home.room,
            "proof": bomb(),
        },
        format="multipart",
    )
    assert answer.status_code == 400 and "too_many_pixels" in answer.content.decode()
    # A need's photo, through the API.
    project = project_at(city, Project.Status.PLANNING)
    api.force_authenticate(city.owner_a1.user)
    answer = api.post(
        reverse("api-needs", args=[project.code]),
        {"item": CatalogItem.objects.get(code="roof").code, "text": "漏水", "photo": bomb()},
        format="multipart",
    )
    assert answer.status_code == 400 and "too_many_pixels" in answer.content.decode()
    # A ledger voucher and a paper ballot's scan, through their services.
    adopted = adopted_project(city)
    publish_budget(city, adopted)
    with pytest.raises(ValidationError) as error:
        money.ledger_record(
            project=adopted.project,
            actor=city.street_a_staff,
            date=timezone.localdate() - timedelta(days=1),
            kind="income",
            amount=Decimal("10.00"),
            counterparty="南宁市财政局",
            source="central_subsidy",
            voucher=bomb(),
        )
    assert codes(error.value) == {"too_many_pixels"}
    vote = project_services.vote_create(
        project=project,
        purpose="other",
        title="加装电梯",
        matter="ordinary",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
        actor=None,
        by_service=True,
    )
    vote = project_services.vote_open(vote=vote, actor=None, by_service=True)
    voter = vote.voters.first()
    with pytest.raises(ValidationError) as error:
        project_services.ballot_record_paper(
            vote=vote, voter=voter, choice="agree", actor=city.comm_a1_staff, scan=bomb()
        )
    assert codes(error.value) == {"too_many_pixels"}


LEAKS = (b"Exif", b"GPS", b"Canon", b"EOS R5", b"SN-0123456789", b"2024:05:01", b"SecretPhoneApp", b"Zhang San")


def phone_png() -> bytes:
    """A PNG screenshot or scan app's output: EXIF (with GPS) and a text chunk naming the owner."""
    from PIL import ExifTags, PngImagePlugin

    from tests.stakeholders.test_photos import two_halves

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "home of Zhang San")
    buffer = io.BytesIO()
    two_halves().save(buffer, format="PNG", exif=exif, pnginfo=text)
    return buffer.getvalue()


def _stored_without_metadata(field_file, fmt: str, size: tuple[int, int]) -> None:
    field_file.open("rb")
    data = field_file.read()
    field_file.close()
    for leak in LEAKS:
        assert leak not in data, leak
    image = Image.open(io.BytesIO(data))
    assert image.format == fmt and image.size == size  # the same page, at its own size: still legible
    assert dict(image.getexif()) == {} and not {"exif", "xmp", "comment", "icc_profile", "Author"} & set(image.info)


@pytest.mark.django_db
def test_proofs_vouchers_and_ballot_scans_are_stored_without_metadata(city):
    """Only staff see these, but they see the page, not where or on which phone it was taken: the
    same pipeline as photos shown to others strips every image document (a PDF is kept as it is)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from disclosure import services as money
    from projects import services as project_services
    from projects.models import Project
    from stakeholders import services as people
    from tests.disclosure.conftest import adopted_project, publish_budget
    from tests.projects.conftest import project_at
    from tests.stakeholders.test_photos import phone_jpeg

    jpeg = phone_jpeg(size=(400, 200), orientation=6)  # taken sideways: stored upright, 200 × 400
    assert all(leak in jpeg for leak in (b"Canon", b"SN-0123456789", b"Zhang San")) and b"Zhang San" in phone_png()

    claim = people.ownership_claim(
        resident=city.plain_resident, household=city.homes_a1[5], proof=proof_file("deed.jpg", jpeg, "image/jpeg")
    )
    _stored_without_metadata(claim.proof, "JPEG", (200, 400))
    second = people.ownership_claim(
        resident=city.plain_resident, household=city.homes_a1[4], proof=proof_file("deed.png", phone_png(), "image/png")
    )
    _stored_without_metadata(second.proof, "PNG", (400, 200))
    deed = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n"
    pdf = people.ownership_claim(
        resident=city.plain_resident,
        household=city.homes_a1[3],
        proof=proof_file("deed.pdf", deed, "application/pdf"),
    )
    pdf.proof.open("rb")
    assert pdf.proof.read() == deed  # a PDF is stored as sent

    adopted = adopted_project(city)
    publish_budget(city, adopted)
    entry = money.ledger_record(
        project=adopted.project,
        actor=city.street_a_staff,
        date=timezone.localdate() - timedelta(days=1),
        kind="income",
        amount=Decimal("10.00"),
        counterparty="南宁市财政局",
        source="central_subsidy",
        voucher=proof_file("receipt.jpg", jpeg, "image/jpeg"),
    )
    _stored_without_metadata(entry.voucher, "JPEG", (200, 400))

    project = project_at(city, Project.Status.PLANNING)
    vote = project_services.vote_create(
        project=project,
        purpose="other",
        title="加装电梯",
        matter="ordinary",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=3),
        actor=None,
        by_service=True,
    )
    vote = project_services.vote_open(vote=vote, actor=None, by_service=True)
    ballot, _receipt = project_services.ballot_record_paper(
        vote=vote,
        voter=vote.voters.first(),
        choice="agree",
        actor=city.comm_a1_staff,
        scan=proof_file("ballot.jpg", jpeg, "image/jpeg"),
    )
    _stored_without_metadata(ballot.scan, "JPEG", (200, 400))
