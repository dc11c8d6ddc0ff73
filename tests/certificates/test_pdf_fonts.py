"""The certificate's fonts are parsed once per process and lent to each PDF; its QR codes are
kept in a bounded cache (elearn/certificates/pdf_fonts.py, pdf.py)."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import fpdf.fpdf
import pytest
from fpdf.fonts import TTFFont
from freezegun import freeze_time
from pypdf import PdfReader

from elearn import create_app
from elearn.certificates import pdf, pdf_fonts


def document(
    name: str, design: str = "standard", url: str = "https://x.example/verify/A"
) -> pdf.Document:
    return pdf.Document(
        language="ro",
        title="Certificat de absolvire",
        certifies="Se certifică faptul că",
        holder_name=name,
        completed="a absolvit cursul online, în ritm propriu",
        course_title="Prevenirea traficului de persoane",
        details=["Versiunea 1.0.0", "completat la 12 martie 2026"],
        accreditation=None,
        issuer_name="Asociația eLearn",
        signatory_name="Kovács Éva",
        signatory_role="Director",
        code_label="Cod: 7KQ4-M2XD-9T1V-RB8E-J",
        verify_label=f"Verificați la {url}",
        verify_url=url,
        design=design,
    )


@pytest.fixture
def fresh_fonts():
    """No font parsed yet in this process, as after a worker starts."""
    pdf_fonts.parsed.cache_clear()
    yield
    pdf_fonts.parsed.cache_clear()


@pytest.fixture
def parses(monkeypatch):
    """Counts fpdf2's font parsings (a TTFFont built by add_font), by file name."""
    counts: Counter[str] = Counter()

    class CountingTTFFont(TTFFont):
        __slots__ = ()

        def __init__(self, fpdf_, font_file_path, *args, **kwargs):
            counts[Path(font_file_path).name] += 1
            super().__init__(fpdf_, font_file_path, *args, **kwargs)

    monkeypatch.setattr(fpdf.fpdf, "TTFFont", CountingTTFFont)
    return counts


def test_each_font_is_parsed_once_per_process_however_many_pdfs(fresh_fonts, parses):
    for number in range(3):
        pdf.render(document(f"Ioana Popescu {number}", "standard"))
        pdf.render(document(f"Gyöngyi Kovács {number}", "formal"))
    # The four faces the two designs use, each once; the serif regular is never set.
    assert parses == {
        "DejaVuSans.ttf": 1,
        "DejaVuSans-Bold.ttf": 1,
        "DejaVuSerif-Bold.ttf": 1,
    }


def test_a_pdf_from_the_shared_fonts_is_the_one_fpdf2s_own_add_font_makes(fresh_fonts, monkeypatch):
    # Other certificates first, with other letters: what one document used must not leak
    # into the next one's fonts (their subsets, widths, descriptors).
    for design in ("standard", "formal"):
        pdf.render(document("Ștefania-Gyöngyi Mureșan", design))
    for design in ("standard", "formal"):
        name = "Zsófia Őrző-Ürögdi, Żaneta Jędrzejczak, Ψυχή Жанна"
        with freeze_time("2026-03-12 10:00:00"):
            shared = pdf.render(document(name, design))

        def add_font(page, family, style):
            page.add_font(family, style, str(pdf_fonts.FONTS / pdf_fonts.FACES[family, style]))

        with monkeypatch.context() as patch, freeze_time("2026-03-12 10:00:00"):
            patch.setattr(pdf_fonts, "attach", add_font)
            parsed_again = pdf.render(document(name, design))
        assert shared == parsed_again, design

        reader = PdfReader(io.BytesIO(shared))
        assert name in " ".join(reader.pages[0].extract_text().split())
        fonts = reader.pages[0]["/Resources"]["/Font"]
        embedded = {
            font["/BaseFont"]: "/FontFile2" in font["/DescendantFonts"][0]["/FontDescriptor"]
            for font in (ref.get_object() for ref in fonts.values())
        }
        families = {"DejaVuSansBook", "DejaVuSansBold"} | (
            {"DejaVuSerifBold"} if design == "formal" else set()
        )
        assert embedded == {f"/MPDFAA+{family}": True for family in families}


def test_two_pdfs_share_the_parsed_font_but_no_part_that_writing_one_changes():
    # Sequential PDFs would not show a shared descriptor or widths table; two threads of a
    # gthread worker writing at once would.
    first, second = pdf._Page(), pdf._Page()
    for page in (first, second):
        page.set_font("Sans", "B", 10)
    one, other = first.fonts["sansB"], second.fonts["sansB"]
    for part in ("ttfont", "desc", "cw", "subset", "missing_glyphs"):
        assert getattr(one, part) is not getattr(other, part), part
    for part in ("cmap", "glyph_ids", "name", "ttffile"):
        assert getattr(one, part) is getattr(other, part), part
    for font in (one, other):
        font.close()


def test_every_part_of_fpdf2s_font_is_known_to_be_shared_or_per_document():
    # A new fpdf2 release that adds a part makes this fail: decide which it is.
    assert pdf_fonts.SHARED.isdisjoint(pdf_fonts.PER_DOCUMENT)
    assert set(TTFFont.__slots__) == pdf_fonts.SHARED | pdf_fonts.PER_DOCUMENT


@pytest.fixture
def qr_draws(monkeypatch):
    drawn: list[str] = []
    draw = pdf._draw_qr

    def counting(url: str) -> bytes:
        drawn.append(url)
        return draw(url)

    monkeypatch.setattr(pdf, "_draw_qr", counting)
    yield drawn
    monkeypatch.undo()
    pdf.set_qr_cache_size(pdf.DEFAULT_QR_CACHE_SIZE)


def test_the_same_certificate_printed_again_reuses_its_qr_code(qr_draws):
    pdf.set_qr_cache_size(2)
    for url in ("https://x.example/verify/A", "https://x.example/verify/B") * 2:
        pdf.render(document("Ioana Popescu", url=url))
    assert qr_draws == ["https://x.example/verify/A", "https://x.example/verify/B"]
    # Bounded: a third code pushes out the least recently used one.
    pdf.render(document("Ioana Popescu", url="https://x.example/verify/C"))
    pdf.render(document("Ioana Popescu", url="https://x.example/verify/A"))
    assert qr_draws[2:] == ["https://x.example/verify/C", "https://x.example/verify/A"]


def test_a_qr_cache_of_size_zero_draws_every_time(qr_draws):
    pdf.set_qr_cache_size(0)
    for _ in range(2):
        pdf.render(document("Ioana Popescu"))
    assert len(qr_draws) == 2


def test_the_qr_cache_size_is_a_setting(qr_draws):
    create_app({"CERTIFICATE_QR_CACHE_SIZE": 7})
    assert pdf._qr_png.cache_parameters()["maxsize"] == 7
