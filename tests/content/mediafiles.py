"""Small but valid media files carrying location and identifying tags, built byte by byte.

Each builder returns the file and the media data that must come out unchanged (mdat,
SimpleBlocks, MPEG frames); MARKERS are the strings that must not.
"""

from __future__ import annotations

import io
import random
import struct

from PIL import Image

MARKERS = (
    b"ELEARN-MAKE",
    b"ELEARN-MODEL",
    b"ELEARN-ARTIST",
    b"ELEARN-COMMENT",
    b"+47.0465+021.9189/",
    b"ISO6709",
    b"xmpmeta",
    b"\xa9xyz",
    b"LOCATION",
)


def noise(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


# Images ---------------------------------------------------------------------------------------


def exif_with_gps(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "ELEARN-MAKE"
    exif[0x0110] = "ELEARN-MODEL"
    exif[0x010E] = "GPS 47.05N 21.93E ELEARN-COMMENT"
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (47.0, 2.0, 47.0)
    gps[3] = "E"
    gps[4] = (21.0, 55.0, 8.0)
    return exif.tobytes()


def jpeg(size=(16, 8), *, exif: bytes | None = None, comment: bytes | None = None) -> bytes:
    image = Image.new("RGB", size)
    for x in range(size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), (x * 15 % 256, y * 30 % 256, 128))
    out = io.BytesIO()
    params = {"quality": 90}
    if exif:
        params["exif"] = exif
    if comment:
        params["comment"] = comment
    image.save(out, "JPEG", **params)
    return out.getvalue()


def jpeg_segments(data: bytes) -> tuple[list[bytes], bytes]:
    """The header segments of a JPEG (after SOI) and the scan with everything after it."""
    segments, i = [], 2
    while data[i + 1] != 0xDA:
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        segments.append(data[i : i + 2 + length])
        i += 2 + length
    return segments, data[i:]


def app1_exif(exif: bytes) -> bytes:
    payload = exif if exif.startswith(b"Exif") else b"Exif\x00\x00" + exif
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def xmp_segment() -> bytes:
    payload = (
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>47,2.78N"
        b"</exif:GPSLatitude><tiff:Make>ELEARN-MAKE</tiff:Make></x:xmpmeta>"
    )
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def com_segment(text: bytes = b"ELEARN-COMMENT") -> bytes:
    return b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text


# MP4 / QuickTime ------------------------------------------------------------------------------


def box(kind: bytes, *children: bytes) -> bytes:
    payload = b"".join(children)
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full(kind: bytes, payload: bytes) -> bytes:
    return box(kind, b"\x00\x00\x00\x00" + payload)


def mp4(*, brand: bytes = b"mp42", handler: bytes = b"vide") -> tuple[bytes, bytes]:
    """An MP4 (or QuickTime, brand ``qt  ``) with a location everywhere a phone writes one."""
    media = noise(3000)
    location = b"+47.0465+021.9189/"
    keys = full(
        b"keys",
        struct.pack(">I", 2)
        + box(b"mdta", b"com.apple.quicktime.location.ISO6709")
        + box(b"mdta", b"com.apple.quicktime.make"),
    )
    ilst = box(
        b"ilst",
        box(b"\x00\x00\x00\x01", box(b"data", b"\x00\x00\x00\x01\x00\x00\x00\x00" + location)),
        box(b"\x00\x00\x00\x02", box(b"data", b"\x00\x00\x00\x01\x00\x00\x00\x00ELEARN-MAKE")),
    )
    udta = box(
        b"udta",
        box(b"\xa9xyz", struct.pack(">HH", len(location), 0x15C7) + location),
        box(b"\xa9mak", struct.pack(">HH", 11, 0) + b"ELEARN-MAKE"),
        box(b"\xa9mod", struct.pack(">HH", 12, 0) + b"ELEARN-MODEL"),
    )
    xmp = box(
        b"uuid",
        bytes.fromhex("be7acfcb97a942e89c71999491e3afac"),
        b"<x:xmpmeta>GPS ELEARN-ARTIST</x:xmpmeta>",
    )
    stbl = box(
        b"stbl",
        full(b"stsd", struct.pack(">I", 0)),
        full(b"stts", struct.pack(">I", 0)),
        full(b"stsc", struct.pack(">I", 0)),
        full(b"stsz", struct.pack(">II", 0, 0)),
        full(b"stco", struct.pack(">I", 1) + b"\xde\xad\xbe\xef"),  # mdat's data, set below
    )
    trak = box(
        b"trak",
        full(b"tkhd", bytes(80)),
        box(
            b"mdia",
            full(b"mdhd", bytes(20)),
            full(b"hdlr", b"\x00\x00\x00\x00" + handler + bytes(12) + b"Video\x00"),
            box(b"minf", full(b"vmhd", bytes(8)), stbl),
        ),
        box(b"udta", box(b"\xa9nam", struct.pack(">HH", 13, 0) + b"ELEARN-ARTIST")),
    )
    moov = box(
        b"moov",
        full(b"mvhd", bytes(96)),
        trak,
        udta,
        full(b"meta", full(b"hdlr", b"\x00\x00\x00\x00mdta" + bytes(13)) + keys + ilst),
    )
    ftyp = box(b"ftyp", brand + b"\x00\x00\x00\x00" + brand + b"isom")
    head = ftyp + xmp + moov
    data_offset = len(head) + 8
    head = head.replace(b"\xde\xad\xbe\xef", struct.pack(">I", data_offset), 1)
    return head + box(b"mdat", media), media


# WebM -----------------------------------------------------------------------------------------


def _size(n: int, length: int = 8) -> bytes:
    return ((1 << (7 * length)) | n).to_bytes(length, "big")


def ebml(ident: int, *children: bytes, unknown: bool = False) -> bytes:
    payload = b"".join(children)
    ident_bytes = ident.to_bytes((ident.bit_length() + 7) // 8, "big")
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown else _size(len(payload))
    return ident_bytes + size + payload


def webm(*, unknown_sizes: bool = False) -> tuple[bytes, bytes]:
    block = b"\x81\x00\x00\x80" + noise(2000, seed=2)
    header = ebml(0x1A45DFA3, ebml(0x4286, b"\x01"), ebml(0x4282, b"webm"))
    info = ebml(
        0x1549A966,
        ebml(0x2AD7B1, b"\x0f\x42\x40"),
        ebml(0x7BA9, b"Shelter in Oradea ELEARN-COMMENT"),
        ebml(0x4D80, b"ELEARN-MODEL muxer"),
        ebml(0x5741, b"ELEARN-MAKE camera app"),
    )
    tracks = ebml(
        0x1654AE6B,
        ebml(0xAE, ebml(0xD7, b"\x01"), ebml(0x536E, b"ELEARN-ARTIST"), ebml(0x86, b"V_VP8")),
    )
    cluster = ebml(0x1F43B675, ebml(0xE7, b"\x00"), ebml(0xA3, block), unknown=unknown_sizes)
    tags = ebml(
        0x1254C367,
        ebml(
            0x7373,
            ebml(0x67C8, ebml(0x45A3, b"LOCATION"), ebml(0x4487, b"+47.0465+021.9189/")),
        ),
    )
    attachments = ebml(0x1941A469, ebml(0x61A7, ebml(0x466E, b"cover.jpg")))
    segment = ebml(0x18538067, info, tracks, cluster, tags, attachments, unknown=unknown_sizes)
    return header + segment, block


# MP3 ------------------------------------------------------------------------------------------


def mp3_frames(count: int = 5) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417 bytes a frame without padding.
    rng = random.Random(3)
    return b"".join(b"\xff\xfb\x90\x44" + rng.randbytes(413) for _ in range(count))


def _id3_frame(kind: bytes, text: bytes) -> bytes:
    payload = b"\x00" + text
    return kind + struct.pack(">I", len(payload)) + b"\x00\x00" + payload


def mp3() -> tuple[bytes, bytes]:
    frames = mp3_frames()
    body = _id3_frame(b"TPE1", b"ELEARN-ARTIST") + _id3_frame(b"COMM", b"eng\x00ELEARN-COMMENT")
    size = len(body)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    id3v2 = b"ID3\x03\x00\x00" + synchsafe + body
    item = struct.pack("<II", 13, 0) + b"Artist\x00ELEARN-ARTIST"
    ape = item + b"APETAGEX" + struct.pack("<IIII", 2000, len(item) + 32, 1, 0) + bytes(8)
    id3v1 = b"TAG" + b"ELEARN-COMMENT".ljust(30, b"\x00") + b"ELEARN-ARTIST".ljust(30, b"\x00")
    id3v1 += bytes(128 - len(id3v1))
    return id3v2 + frames + ape + id3v1, frames


# PDF ------------------------------------------------------------------------------------------


def pdf(*, photo: bytes | None = None) -> bytes:
    """A one-page handout whose document information and XMP name its author."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Worksheet")
    if photo is not None:
        document.image(io.BytesIO(photo), x=10, y=20, w=20)
    document.set_author("ELEARN-ARTIST")
    document.set_creator("ELEARN-MAKE")
    document.set_title("Worksheet from the shelter")
    document.set_xmp_metadata(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
    )
    return bytes(document.output())
