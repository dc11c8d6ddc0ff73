"""A resource's file meets the checks a package's media meet: metadata stripped, the type
checked by name and first bytes, the size limited; anything else is refused by name."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from elearn.content.source import Limits
from elearn.resources import files
from elearn.resources.files import FileRefused, check_upload
from tests.content.mediafiles import MARKERS, exif_with_gps, jpeg, pdf
from tests.resources.conftest import png


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_a_jpeg_with_exif_gps_comes_out_without_it():
    original = jpeg(exif=exif_with_gps())
    assert b"ELEARN-MAKE" in original
    checked = check_upload("photo.jpg", original)
    assert not any(marker in checked.data for marker in MARKERS)
    assert not Image.open(io.BytesIO(checked.data)).getexif().get_ifd(0x8825)
    assert checked.media_type == "image/jpeg"
    assert checked.size == len(checked.data)


def test_a_pdf_with_metadata_comes_out_without_it():
    original = pdf()
    assert b"ELEARN-ARTIST" in original
    checked = check_upload("guide.pdf", original)
    assert not any(marker in checked.data for marker in MARKERS)
    reader = PdfReader(io.BytesIO(checked.data))
    assert not reader.metadata
    assert checked.media_type == "application/pdf"


def test_an_html_file_renamed_pdf_is_refused_with_its_name():
    with pytest.raises(FileRefused) as refusal:
        check_upload("leaflet.pdf", b"<!doctype html><script>alert(1)</script>")
    assert "leaflet.pdf" in refusal.value.message
    assert "not really a .pdf file" in refusal.value.message


@pytest.mark.parametrize(
    "name",
    ["page.html", "drawing.svg", "setup.exe", "slides.pptm", "slides.pptx", "notes.docx", "a.zip"],
)
def test_other_types_are_refused_saying_what_is_allowed(name):
    with pytest.raises(FileRefused) as refusal:
        check_upload(name, b"anything")
    assert name in refusal.value.message
    assert "PDF, PNG, JPEG or WebP" in refusal.value.message


def test_an_oversized_file_is_refused_with_its_size(monkeypatch):
    monkeypatch.setattr(files, "LIMITS", Limits(max_file_bytes=100))
    with pytest.raises(FileRefused) as refusal:
        check_upload("poster.png", png())
    assert "poster.png is too large" in refusal.value.message


def test_a_pdf_with_javascript_is_refused():
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(FileRefused) as refusal:
        check_upload("flyer.pdf", out.getvalue())
    assert "flyer.pdf contains scripts" in refusal.value.message


def test_a_pdf_with_an_attached_file_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.add_attachment("macro.docm", b"PK\x03\x04")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(FileRefused):
        check_upload("kit.pdf", out.getvalue())


def test_a_damaged_image_is_refused_by_name():
    with pytest.raises(FileRefused) as refusal:
        check_upload("poster.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert "poster.png" in refusal.value.message


def test_a_folder_in_the_name_is_dropped():
    checked = check_upload("C:\\Users\\ana\\poster.png", png())
    assert checked.name == "poster.png"
