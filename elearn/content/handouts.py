"""PDF handouts without their document information (author, title, software) and XMP."""

from __future__ import annotations

import io

from elearn.content.recordings import Refused

# PDF ------------------------------------------------------------------------------------------


# Names that only document information uses (outlines have a /Title too: not a marker).
PDF_MARKERS = (b"xmpmeta", b"/Author", b"/Creator", b"/Producer", b"/Subject", b"/Keywords")


def clean_pdf(data: bytes) -> bytes:
    """The handout without its document information (author, title, software) and XMP.

    pypdf (well kept, pure Python) reads the file and writes it again without them. A PDF
    that is already bare is kept as it is, so that cleaning twice changes nothing. Photos
    inside a PDF cannot be cleaned without re-encoding them: a PDF with an EXIF or XMP block in
    an embedded JPEG is refused. Raises Refused.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused("encrypted PDF")
        _check_pdf_images(reader)
        if _pdf_is_bare(reader) and not any(marker in data for marker in PDF_MARKERS):
            return data  # nothing to remove, not even an orphaned information dictionary
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        for holder in (writer.root_object, *writer.pages):
            for key in ("/Metadata", "/PieceInfo"):
                holder.pop(key, None)
        # What no longer hangs from the document (the XMP stream) is not written at all.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
        cleaned = out.getvalue()
        if not _pdf_is_bare(PdfReader(io.BytesIO(cleaned), strict=False)) or any(
            marker in cleaned for marker in PDF_MARKERS
        ):
            raise Refused("metadata left")
        return cleaned
    except Refused:
        raise
    except (PyPdfError, KeyError, AttributeError, TypeError, RecursionError) as error:
        raise Refused("unreadable PDF") from error


def _pdf_is_bare(reader) -> bool:
    info = reader.trailer.get("/Info")
    if info is not None and len(info.get_object()):
        return False
    holders = [reader.trailer["/Root"].get_object(), *reader.pages]
    return not any(key in holder for holder in holders for key in ("/Metadata", "/PieceInfo"))


def _check_pdf_images(reader) -> None:
    for page in reader.pages:
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources is not None else None
        for reference in objects.get_object().values() if objects is not None else ():
            image = reference.get_object()
            if image.get("/Subtype") != "/Image" or "/DCTDecode" not in str(image.get("/Filter")):
                continue
            raw = image._data[:65536]
            if "/Metadata" in image or b"Exif\x00\x00" in raw or b"ns.adobe.com/xap" in raw:
                raise Refused("photo with metadata inside the PDF")
