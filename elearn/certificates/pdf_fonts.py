"""The certificate's four DejaVu fonts, parsed once per process and lent to each PDF.

fpdf2's ``add_font`` parses a TTF file (its character map, every glyph's width and id) each
time it is called: for the four fonts, about 70 ms of each certificate. fpdf2 (2.8) has no API
to share a parsed font between documents, but its own ``TTFFont.__deepcopy__`` (for
``FPDFRecorder``) shows which parts are immutable once parsed and may be shared. We share the
same parts and give each document its own copy of the parts that writing a document changes:

- ``ttfont``, the fontTools font: the output subsets it in place and closes it, so each
  document opens the file again (opening is lazy and cheap; the tables it reads to subset are
  what remains of a PDF's cost);
- ``desc``, the font descriptor: the output gives it the document's object number and file;
- ``subset``, ``missing_glyphs`` and ``biggest_size_pt``: what the document has used;
- ``cw``, the widths: a ``defaultdict`` that inserts a key on every read of a missing one.

A document takes only the fonts it sets (``attach`` is called from the first ``set_font`` of
a face): the standard design uses two of the four and the formal one three, and each font a
document holds costs a subsetting when it is written, used or not.

``SHARED`` and ``PER_DOCUMENT`` name every slot of fpdf2's ``TTFFont``; a test fails when an
fpdf2 release adds one, so that someone decides which kind it is.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONTS = Path(__file__).parent / "fonts"
# (family, style) as the layout asks for them -> the bundled file.
FACES = {
    ("Sans", ""): "DejaVuSans.ttf",
    ("Sans", "B"): "DejaVuSans-Bold.ttf",
    ("Serif", ""): "DejaVuSerif.ttf",
    ("Serif", "B"): "DejaVuSerif-Bold.ttf",
}

SHARED = frozenset(
    {
        "type",
        "name",
        "glyph_ids",  # read with .get only
        "sp",
        "ss",
        "up",
        "ut",
        "ttffile",
        "emphasis",
        "scale",
        "cmap",
        "color_font",  # None: DejaVu has no colour glyphs
        "unicode_range",
        "palette_index",
        "is_compressed",
        "is_cff",
        "is_cid_keyed",
        "is_symbol",
        "cff_ros",
        "collection_font_number",
    }
)
PER_DOCUMENT = frozenset(
    {
        "i",
        "fontkey",
        "ttfont",
        "desc",
        "cw",
        "subset",
        "missing_glyphs",
        "biggest_size_pt",
        "_hbfont",
    }
)


@functools.cache
def parsed(file_name: str) -> TTFFont:
    """The bundled font ``file_name`` as fpdf2 parses it, once per process. Never written
    into a document itself: ``attach`` lends documents copies."""
    holder = FPDF()
    holder.add_font("font", "", str(FONTS / file_name))
    font = holder.fonts["font"]
    # Its fontTools font is never used again: each document opens its own.
    font.ttfont.close()
    return font


def warm() -> None:
    """Parse every bundled font now (gunicorn's entry point, wsgi.py, calls it), so that a
    worker's first certificate costs no more than the next ones."""
    for file_name in FACES.values():
        parsed(file_name)


def attach(document: FPDF, family: str, style: str) -> None:
    """Give ``document`` the face (``family``, ``style``) from FACES, as ``add_font`` would,
    without parsing the font again."""
    master = parsed(FACES[(family, style)])
    font = copy.copy(master)
    font.i = len(document.fonts) + 1
    font.fontkey = f"{family.lower()}{style}"
    font.ttfont = ttLib.TTFont(
        master.ttffile,
        recalcTimestamp=False,
        fontNumber=master.collection_font_number,
        lazy=True,
    )
    font.desc = copy.copy(master.desc)
    font.cw = defaultdict(master.cw.default_factory, master.cw)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    document.fonts[font.fontkey] = font
