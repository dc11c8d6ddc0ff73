"""The certificate as an A4 landscape PDF, drawn with fpdf2 and the bundled DejaVu fonts.

Everything the page shows arrives in a `Document`, already in the certificate's language;
this module only lays it out. Designed to print well in greyscale: dark text on white, the
colour only in a band or a frame, and a QR code of 32 mm (at least 25 mm scans reliably from
a greyscale print) with the code in text beside it. Long names and titles shrink to fit and,
at the smallest size, wrap: they are never cut.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import segno
from fpdf import FPDF, ViewerPreferences

from elearn.certificates import pdf_fonts

PAGE_W, PAGE_H = 297.0, 210.0
TEXT_W = 220.0  # the width names and titles must fit in
QR_SIZE = 32.0  # mm
DESIGNS = ("standard", "formal")
# How many QR codes (as PNG, about 450 bytes each) a process keeps: the same certificate is
# often printed again, in another language or downloaded twice. CERTIFICATE_QR_CACHE_SIZE.
DEFAULT_QR_CACHE_SIZE = 256


@dataclass(frozen=True)
class Document:
    language: str
    title: str  # "Certificate of completion"
    certifies: str  # "This certifies that"
    holder_name: str
    completed: str  # "has completed the online, self-paced course"
    course_title: str
    details: list[str]  # version, study time, completion date, expiry
    accreditation: str | None
    issuer_name: str
    signatory_name: str | None
    signatory_role: str | None
    code_label: str  # "Code: 7KQ4-M2XD-9T1V-RB8E-J"
    verify_label: str  # "Check it at https://.../verify/7KQ4..."
    verify_url: str
    colour: str = "#1d4e89"
    design: str = "standard"
    logo: bytes | None = None
    signature: bytes | None = None
    reissued: str | None = None  # "Reissued on ..."
    # What a screen reader says for each picture (tagged as a figure with this alt text).
    qr_alt: str = "QR code"
    logo_alt: str = "Logo"
    signature_alt: str = "Signature"


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)

    def set_font(self, family=None, style="", size=0) -> None:
        """As fpdf2's, but a bundled face joins the document the first time it is set, from
        the fonts parsed once per process (elearn/certificates/pdf_fonts.py)."""
        if (family, style) in pdf_fonts.FACES and f"{family.lower()}{style}" not in self.fonts:
            pdf_fonts.attach(self, family, style)
        super().set_font(family, style, size)

    def fitted(self, family: str, text: str, y: float, largest: float, smallest: float) -> float:
        """Write ``text`` centred at ``y`` in the largest size that fits one line; at the
        smallest size, wrap instead. Returns the y below the text."""
        size = largest
        while size > smallest:
            self.set_font(family, "B", size)
            if self.get_string_width(text) <= TEXT_W:
                break
            size -= 1
        self.set_font(family, "B", size)
        line = size * 0.45
        self.set_xy((PAGE_W - TEXT_W) / 2, y)
        self.multi_cell(TEXT_W, line, text, align="C")
        return self.get_y()

    def centred(self, family: str, text: str, y: float, size: float, style: str = "") -> float:
        self.set_font(family, style, size)
        self.set_xy((PAGE_W - TEXT_W) / 2, y)
        self.multi_cell(TEXT_W, size * 0.5, text, align="C")
        return self.get_y()


def render(document: Document) -> bytes:
    """The certificate's PDF bytes."""
    pdf = _Page()
    pdf.set_title(f"{document.title}: {document.holder_name}")
    pdf.set_author(document.issuer_name)
    pdf.set_subject(document.course_title)
    pdf.set_lang(document.language)
    # A reader's window and a screen reader announce the title, not the file name.
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_page()
    colour = _rgb(document.colour)
    formal = document.design == "formal"
    family = "Serif" if formal else "Sans"

    pdf.set_draw_color(*colour)
    pdf.set_fill_color(*colour)
    if formal:
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, PAGE_W - 20, PAGE_H - 20)
        pdf.set_line_width(0.4)
        pdf.rect(14, 14, PAGE_W - 28, PAGE_H - 28)
    else:
        pdf.rect(0, 0, 14, PAGE_H, style="F")
        pdf.set_line_width(0.4)
        pdf.line(30, 40, PAGE_W - 30, 40)

    if document.logo:
        pdf.image(
            io.BytesIO(document.logo),
            x=24,
            y=17,
            h=18,
            keep_aspect_ratio=True,
            alt_text=document.logo_alt,
        )
    pdf.set_text_color(60, 60, 60)
    pdf.set_font("Sans", "", 10)
    pdf.set_xy(PAGE_W - 24 - 120, 22)
    pdf.multi_cell(120, 5, document.issuer_name, align="R")

    pdf.set_text_color(20, 20, 20)
    y = pdf.centred(family, document.title.upper(), 48, 24, "B")
    y = pdf.centred("Sans", document.certifies, y + 6, 12)
    y = pdf.fitted(family, document.holder_name, y + 4, 30, 14)
    y = pdf.centred("Sans", document.completed, y + 5, 12)
    y = pdf.fitted(family, document.course_title, y + 3, 18, 11)
    pdf.set_text_color(50, 50, 50)
    y = pdf.centred("Sans", " · ".join(document.details), y + 6, 10.5)
    if document.accreditation:
        y = pdf.centred("Sans", document.accreditation, y + 2, 9.5)
    if document.reissued:
        pdf.centred("Sans", document.reissued, y + 2, 9)

    # The signature block, bottom left.
    base = PAGE_H - 26
    if document.signature:
        pdf.image(
            io.BytesIO(document.signature),
            x=34,
            y=base - 26,
            h=18,
            keep_aspect_ratio=True,
            alt_text=document.signature_alt,
        )
    if document.signatory_name:
        pdf.set_draw_color(80, 80, 80)
        pdf.set_line_width(0.3)
        pdf.line(34, base - 6, 110, base - 6)
        pdf.set_text_color(20, 20, 20)
        pdf.set_font("Sans", "B", 10.5)
        pdf.set_xy(34, base - 5)
        # Wraps: "Signed on behalf of" a long issuer's name must not run past the block.
        pdf.multi_cell(76, 5, document.signatory_name, align="C")
        if document.signatory_role:
            pdf.set_font("Sans", "", 9)
            pdf.set_xy(34, pdf.get_y())
            pdf.cell(76, 5, document.signatory_role, align="C")

    # The QR code and the code in text, bottom right.
    qr_x, qr_y = PAGE_W - 24 - QR_SIZE, PAGE_H - 20 - QR_SIZE
    pdf.image(
        io.BytesIO(_qr_png(document.verify_url)),
        x=qr_x,
        y=qr_y,
        w=QR_SIZE,
        h=QR_SIZE,
        alt_text=document.qr_alt,
    )
    pdf.set_text_color(20, 20, 20)
    pdf.set_font("Sans", "B", 9.5)
    pdf.set_xy(qr_x - 92, qr_y + 8)
    pdf.multi_cell(88, 5, document.code_label, align="R")
    pdf.set_font("Sans", "", 8)
    pdf.set_xy(qr_x - 92, pdf.get_y() + 1)
    pdf.multi_cell(88, 4, document.verify_label, align="R")
    return bytes(pdf.output())


def _draw_qr(url: str) -> bytes:
    qr = segno.make(url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=8, border=2)
    return image.getvalue()


_qr_png = functools.lru_cache(maxsize=DEFAULT_QR_CACHE_SIZE)(_draw_qr)


def set_qr_cache_size(size: int) -> None:
    """Keep the last ``size`` QR codes drawn in this process (0: none), from an empty cache."""
    global _qr_png
    _qr_png = functools.lru_cache(maxsize=max(size, 0))(_draw_qr)


def init_app(app) -> None:
    """Size the process's QR cache from CERTIFICATE_QR_CACHE_SIZE."""
    set_qr_cache_size(app.config["CERTIFICATE_QR_CACHE_SIZE"])
