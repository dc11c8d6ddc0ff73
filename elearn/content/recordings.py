"""Audio and video leave without location or identifying tags, their media data untouched.

Phones write the place a video was shot into MP4/QuickTime files (``©xyz``,
``com.apple.quicktime.location.ISO6709``), and the make, model and owner into tags. Re-encoding
audio and video would lose quality and take minutes, so the containers are cleaned in place:

- MP4/M4A (and QuickTime files named .mp4): every metadata box (``udta``, ``meta``, ``uuid``,
  ``©...``, any box we do not know) at every level becomes a ``free`` box of the same size with
  a zeroed payload, so chunk offsets stay valid and ``mdat`` is byte for byte the same. A track
  of timed metadata (a location track) cannot be cleaned that way and is refused.
- WebM: Tags, Attachments, Chapters and the title, writing application, date and track names
  become EBML Void elements of the same size; clusters are copied as they are.
- MP3: ID3v2, ID3v1, APE and Lyrics3 tags are cut off; what is left must be MPEG audio frames
  from end to end.
- Ogg: mutagen (well kept, pure Python) deletes the Vorbis/Opus comments and rewrites the pages.
- PDF handouts: pypdf writes them again without the document information and XMP.

Anything these readers do not understand raises Refused: a file is never stored unchecked. A
second pass (``verify_*``) walks the result and refuses it if a marker is left.
"""

from __future__ import annotations

import io
import struct


class Refused(Exception):
    """The file could not be checked for location data, or still carries metadata."""


# MP4 / QuickTime ------------------------------------------------------------------------------

MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex"}
MP4_CONTAINERS |= {b"moof", b"traf", b"mfra"}
# Boxes that carry structure or timing only; everything else is neutralised.
MP4_KEEP = {
    b"ftyp", b"styp", b"mdat", b"pdin", b"sidx", b"ssix", b"prft", b"mvhd", b"tkhd", b"mdhd",
    b"hdlr", b"vmhd", b"smhd", b"nmhd", b"hmhd", b"sthd", b"gmhd", b"dref", b"stsd", b"stts",
    b"ctts", b"cslg", b"stss", b"stsh", b"sdtp", b"stsc", b"stsz", b"stz2", b"stco", b"co64",
    b"sgpd", b"sbgp", b"subs", b"saiz", b"saio", b"elst", b"mehd", b"trex", b"trep", b"mfhd",
    b"tfhd", b"tfdt", b"trun", b"tfra", b"mfro", b"iods", b"tref", b"elng", b"tapt", b"load",
}  # fmt: skip
MP4_HANDLERS = {b"vide", b"soun", b"text", b"sbtl", b"subt", b"tmcd", b"hint"}
MP4_MARKERS = (
    b"\xa9xyz", b"ISO6709", b"com.apple.quicktime", b"xmpmeta", b"\xa9mak", b"\xa9mod",
    b"\xa9nam", b"\xa9ART", b"\xa9day", b"\xa9too", b"\xa9cmt", b"loci", b"mebx",
)  # fmt: skip


def _mp4_boxes(buf, start: int, end: int):
    i = start
    while i < end:
        if end - i < 8:
            raise Refused("truncated box")
        size, kind = struct.unpack(">I4s", buf[i : i + 8])
        header = 8
        if size == 1:
            if end - i < 16:
                raise Refused("truncated box")
            size = struct.unpack(">Q", buf[i + 8 : i + 16])[0]
            header = 16
        elif size == 0:
            size = end - i
        if size < header or i + size > end:
            raise Refused("box size")
        yield i, header, size, bytes(kind)
        i += size


def clean_mp4(data: bytes) -> bytes:
    """The MP4 with every metadata box turned into zeroed ``free`` space. Raises Refused."""
    if data[4:8] != b"ftyp":
        raise Refused("no ftyp")
    buf = bytearray(data)
    _clean_mp4_level(buf, 0, len(buf), b"", 0)
    out = bytes(buf)
    verify_mp4(out)
    return out


def _clean_mp4_level(buf: bytearray, start: int, end: int, parent: bytes, depth: int) -> None:
    if depth > 12:
        raise Refused("nesting")
    for pos, header, size, kind in _mp4_boxes(buf, start, end):
        if kind in MP4_CONTAINERS:
            _clean_mp4_level(buf, pos + header, pos + size, kind, depth + 1)
        elif kind in MP4_KEEP:
            if kind == b"hdlr" and parent == b"mdia":
                _check_handler(buf[pos + header : pos + size])
        else:
            buf[pos + 4 : pos + 8] = b"free"
            buf[pos + header : pos + size] = bytes(size - header)


def _check_handler(payload: bytes) -> None:
    # A timed-metadata track (Apple's location track) keeps its samples in mdat: refuse it.
    if len(payload) < 12 or bytes(payload[8:12]) not in MP4_HANDLERS:
        raise Refused("metadata track")


def verify_mp4(data: bytes) -> None:
    """Refuse unless every box is known, ``free`` space is zeroed and no marker is left."""
    _verify_mp4_level(data, 0, len(data), b"", 0)


def _verify_mp4_level(data: bytes, start: int, end: int, parent: bytes, depth: int) -> None:
    if depth > 12:
        raise Refused("nesting")
    for pos, header, size, kind in _mp4_boxes(data, start, end):
        if kind == b"mdat":
            continue
        if kind in MP4_CONTAINERS:
            _verify_mp4_level(data, pos + header, pos + size, kind, depth + 1)
            continue
        body = data[pos : pos + size]
        if kind == b"free":
            if body[header:].count(0) != size - header:
                raise Refused("free space not empty")
        elif kind not in MP4_KEEP:
            raise Refused("unknown box left")
        elif any(marker in body for marker in MP4_MARKERS):
            raise Refused("marker left")
        if kind == b"hdlr" and parent == b"mdia":
            _check_handler(body[header:])


# WebM / Matroska ------------------------------------------------------------------------------

EBML_HEADER, SEGMENT, CLUSTER, VOID, CRC32 = 0x1A45DFA3, 0x18538067, 0x1F43B675, 0xEC, 0xBF
SEEK_HEAD, INFO, TRACKS, CUES = 0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1C53BB6B
TAGS, ATTACHMENTS, CHAPTERS = 0x1254C367, 0x1941A469, 0x1043A770
TRACK_ENTRY, TRACK_NAME = 0xAE, 0x536E
# Info: Title, MuxingApp, WritingApp, DateUTC, SegmentFilename, Prev/NextFilename.
INFO_DROP = {0x7BA9, 0x4D80, 0x5741, 0x4461, 0x7384, 0x3C83AB, 0x3E83BB}
SEGMENT_KEEP = {SEEK_HEAD, INFO, TRACKS, CLUSTER, CUES, VOID, CRC32}
SEGMENT_DROP = {TAGS, ATTACHMENTS, CHAPTERS}
CLUSTER_CHILDREN = {0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF, VOID, CRC32}
WEBM_MARKERS = (b"LOCATION", b"ISO6709", b"xmpmeta")


def _vint(buf, i: int, *, marker: bool) -> tuple[int, int, bool]:
    """(value, length, unknown size) of the EBML variable-length integer at ``i``."""
    first = buf[i]
    if first == 0:
        raise Refused("bad vint")
    length = 9 - first.bit_length()
    if i + length > len(buf):
        raise Refused("truncated vint")
    value = first if marker else first & ((1 << (8 - length)) - 1)
    for byte in buf[i + 1 : i + length]:
        value = (value << 8) | byte
    unknown = not marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _element(buf, i: int, end: int) -> tuple[int, int, int, bool]:
    """(id, offset of the data, size of the data, unknown size) of the element at ``i``."""
    if i >= end:
        raise Refused("truncated element")
    ident, id_length, _ = _vint(buf, i, marker=True)
    if id_length > 4:
        raise Refused("bad id")
    size, size_length, unknown = _vint(buf, i + id_length, marker=False)
    data = i + id_length + size_length
    if not unknown and data + size > end:
        raise Refused("element size")
    return ident, data, size, unknown


def _void(buf: bytearray, start: int, end: int) -> None:
    """Turn ``buf[start:end]`` into one Void element of the same length, zero-filled."""
    total = end - start
    for length in range(1, 9):
        payload = total - 1 - length
        if 0 <= payload < (1 << (7 * length)) - 1:
            size = (1 << (7 * length)) | payload  # the length marker bit, then the value
            buf[start] = VOID
            buf[start + 1 : start + 1 + length] = size.to_bytes(length, "big")
            buf[start + 1 + length : end] = bytes(payload)
            return
    raise Refused("cannot void")


def clean_webm(data: bytes) -> bytes:
    """The WebM with its tags, attachments, chapters and titles voided. Raises Refused."""
    buf = bytearray(data)
    _walk_webm(buf, clean=True)
    out = bytes(buf)
    _walk_webm(out, clean=False)
    return out


def verify_webm(data: bytes) -> None:
    _walk_webm(data, clean=False)


def _walk_webm(buf, *, clean: bool) -> None:
    ident, data, size, unknown = _element(buf, 0, len(buf))
    if ident != EBML_HEADER or unknown:
        raise Refused("not EBML")
    header = bytes(buf[data : data + size])
    if b"\x42\x82" not in header or not (b"webm" in header or b"matroska" in header):
        raise Refused("not WebM")
    i = data + size
    ident, data, size, unknown = _element(buf, i, len(buf))
    if ident != SEGMENT:
        raise Refused("no segment")
    end = len(buf) if unknown else data + size
    if end != len(buf):
        raise Refused("data after the segment")
    i = data
    while i < end:
        ident, data, size, unknown = _element(buf, i, end)
        if ident == CLUSTER:
            i = _skip_cluster(buf, data, size, unknown, end)
            continue
        if unknown:
            raise Refused("unknown size")
        stop = data + size
        if ident in SEGMENT_DROP:
            if not clean:
                raise Refused("tags left")
            _void(buf, i, stop)
        elif ident == INFO:
            _drop_children(buf, data, stop, INFO_DROP, clean)
        elif ident == TRACKS:
            _clean_tracks(buf, data, stop, clean)
        elif ident not in SEGMENT_KEEP:
            raise Refused("unknown element")
        if ident != VOID and any(m in bytes(buf[i:stop]) for m in WEBM_MARKERS):
            raise Refused("marker left")
        if ident == VOID and not clean and buf[data:stop].count(0) != size:
            raise Refused("void not empty")
        i = stop


def _skip_cluster(buf, data: int, size: int, unknown: bool, end: int) -> int:
    if not unknown:
        return data + size
    # A cluster of unknown size (browsers' MediaRecorder writes them) ends where the next
    # top-level element starts.
    i = data
    while i < end:
        ident, child, child_size, child_unknown = _element(buf, i, end)
        if ident in SEGMENT_KEEP | SEGMENT_DROP:
            return i
        if ident not in CLUSTER_CHILDREN or child_unknown:
            raise Refused("unknown cluster element")
        i = child + child_size
    return end


def _drop_children(buf, start: int, end: int, drop: set[int], clean: bool) -> None:
    i = start
    while i < end:
        ident, data, size, unknown = _element(buf, i, end)
        if unknown:
            raise Refused("unknown size")
        if ident in drop:
            if not clean:
                raise Refused("identifying element left")
            _void(buf, i, data + size)
        i = data + size


def _clean_tracks(buf, start: int, end: int, clean: bool) -> None:
    i = start
    while i < end:
        ident, data, size, unknown = _element(buf, i, end)
        if unknown:
            raise Refused("unknown size")
        if ident == TRACK_ENTRY:
            _drop_children(buf, data, data + size, {TRACK_NAME}, clean)
        i = data + size


# MP3 ------------------------------------------------------------------------------------------

_BITRATES = {
    (3, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (3, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (2, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _synchsafe(four: bytes) -> int:
    if any(byte & 0x80 for byte in four):
        raise Refused("bad ID3 size")
    return (four[0] << 21) | (four[1] << 14) | (four[2] << 7) | four[3]


def clean_mp3(data: bytes) -> bytes:
    """The MPEG audio frames alone: ID3v2, ID3v1, APE and Lyrics3 tags cut off."""
    start, end = 0, len(data)
    while data[start : start + 3] == b"ID3":
        if end - start < 10:
            raise Refused("truncated ID3")
        footer = 10 if data[start + 5] & 0x10 else 0
        start += 10 + _synchsafe(data[start + 6 : start + 10]) + footer
    while end > start:
        if data[end - 128 : end - 125] == b"TAG" and end - 128 >= start:
            end -= 128
        elif data[max(end - 32, 0) : end - 24] == b"APETAGEX":
            size, flags = struct.unpack("<I4xI", data[end - 20 : end - 8])
            end -= size + (32 if flags & 0x80000000 else 0)
        elif data[max(end - 10, 0) : end - 7] == b"3DI":
            end -= 20 + _synchsafe(data[end - 4 : end])
        elif data[max(end - 9, 0) : end] == b"LYRICS200":
            digits = data[end - 15 : end - 9]
            if not digits.isdigit():
                raise Refused("bad Lyrics3 size")
            end -= 15 + int(digits)
        else:
            break
    if end <= start:
        raise Refused("no audio")
    out = data[start:end]
    verify_mp3(out)
    return out


def verify_mp3(data: bytes) -> None:
    """Refuse unless ``data`` is MPEG audio frames from its first byte to its last."""
    i = 0
    frames = 0
    while i < len(data):
        if len(data) - i < 4:
            raise Refused("trailing bytes")
        length = _frame_length(data[i : i + 4])
        if i + length > len(data) and frames:
            return  # a last frame cut short: players skip it, and it holds only audio
        i += length
        frames += 1
    if not frames:
        raise Refused("no frames")


def _frame_length(header: bytes) -> int:
    if header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        raise Refused("not a frame")
    version = (header[1] >> 3) & 3
    layer = (header[1] >> 1) & 3
    if version == 1 or layer not in (1, 2):  # Layer III or II only
        raise Refused("unsupported frame")
    rates = _BITRATES[(3 if version == 3 else 2, 1 if layer == 1 else 2)]
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 3
    if bitrate_index in (0, 15) or rate_index == 3:
        raise Refused("unsupported frame")
    bitrate = rates[bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    factor = 72 if version != 3 and layer == 1 else 144
    return factor * bitrate // sample_rate + padding


# Ogg ------------------------------------------------------------------------------------------


def clean_ogg(data: bytes) -> bytes:
    """The Ogg Vorbis/Opus file with its comments deleted by mutagen. Raises Refused."""
    from mutagen import MutagenError
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis

    for kind in (OggVorbis, OggOpus):
        buffer = io.BytesIO(data)
        try:
            audio = kind(buffer)
        except MutagenError:
            continue
        except (struct.error, ValueError, IndexError, EOFError):
            raise Refused("unreadable Ogg") from None
        try:
            audio.delete(buffer)
            out = buffer.getvalue()
            again = kind(io.BytesIO(out))
        except (MutagenError, struct.error, ValueError, IndexError, EOFError):
            raise Refused("unreadable Ogg") from None
        if again.tags and len(again.tags):
            raise Refused("comments left")
        return out
    raise Refused("not Vorbis or Opus")


# PDF ------------------------------------------------------------------------------------------


PDF_MARKERS = (b"xmpmeta", b"/Author", b"/Creator", b"/Producer", b"/Title")


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
        if _pdf_is_bare(reader):
            return data
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
