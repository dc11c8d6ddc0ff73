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
- MP3 and Ogg: elearn/content/audio.py; PDF handouts: elearn/content/handouts.py.

Anything these readers do not understand raises Refused: a file is never stored unchecked. A
second pass (``verify_*``) walks the result and refuses it if a marker is left.
"""

from __future__ import annotations

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
TRACK_ENTRY = 0xAE
# What Info and a TrackEntry may keep; everything else there (the title, the writing and muxing
# application, the date, file names, a track's name, anything unknown) becomes Void.
# Each kept element with the largest size it may have (None: any), so that no text hides in
# the data of an element that claims to be a number.
ANY = None
INFO_KEEP = {0x2AD7B1: 8, 0x4489: 8, 0x73A4: 16, VOID: ANY, CRC32: 4}
TRACK_KEEP = {
    0xD7: 8, 0x73C5: 8, 0x83: 8, 0xB9: 8, 0x88: 8, 0x55AA: 8, 0x9C: 8, 0x6DE7: 8, 0x6DF8: 8,
    0x23E383: 8, 0x23314F: 8, 0x55EE: 8, 0x22B59C: 16, 0x22B59D: 35, 0x86: 32, 0x63A2: ANY,
    0x56AA: 8, 0x56BB: 8, 0xE0: ANY, 0xE1: ANY, 0x6D80: ANY, 0x41E4: ANY, 0xE2: ANY, 0xAA: 8,
    0x55AB: 8, 0x55AC: 8, 0x55AD: 8, 0x55AE: 8, 0x55AF: 8, VOID: ANY, CRC32: 4,
}  # fmt: skip
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
            _keep_children(buf, data, stop, INFO_KEEP, clean)
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


def _keep_children(buf, start: int, end: int, keep: dict, clean: bool) -> None:
    """Void every child not in ``keep``; when verifying, refuse one (an empty Void passes)."""
    i = start
    while i < end:
        ident, data, size, unknown = _element(buf, i, end)
        if unknown:
            raise Refused("unknown size")
        if ident in keep and keep[ident] is not None and size > keep[ident]:
            raise Refused("element too large for its kind")
        if ident not in keep:
            if not clean:
                raise Refused("identifying element left")
            _void(buf, i, data + size)
        elif ident == VOID and not clean and buf[data : data + size].count(0) != size:
            raise Refused("void not empty")
        i = data + size


def _clean_tracks(buf, start: int, end: int, clean: bool) -> None:
    _keep_children(buf, start, end, {TRACK_ENTRY: ANY, VOID: ANY, CRC32: 4}, clean)
    i = start
    while i < end:
        ident, data, size, _unknown = _element(buf, i, end)
        if ident == TRACK_ENTRY:
            _keep_children(buf, data, data + size, TRACK_KEEP, clean)
        i = data + size
