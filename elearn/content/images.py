"""Images leave with pixels and a colour profile only: decoded and encoded again with Pillow.

A photo taken in a shelter can carry the shelter's GPS position, the phone's make and the
photographer's name. Cutting metadata segments out byte by byte breaks on layouts the standard
allows (fill bytes, padding, segments in unusual places) and then lets the photo through
unchanged, so every image is decoded and written anew: only the pixels, the ICC colour profile
and PNG transparency are carried over. The EXIF orientation is applied first, so that a photo
taken sideways is not shown sideways once its EXIF is gone. A second, independent reader then
walks the output and refuses it if any EXIF, XMP, IPTC, text or comment container is left.

An image that a strict reader finds to be nothing but pixels already (no metadata container
anywhere, not a byte after its end) is kept as it is: decoding and encoding a JPEG again is not
lossless, and a package exported and imported again must keep the same content and hashes.
"""

from __future__ import annotations

import io
import struct
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
JPEG_QUALITY = 95


class ImageRefused(Exception):
    """The image cannot be cleaned: ``reason`` is one of "unreadable", "too-large", "metadata"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_image(data: bytes, suffix: str) -> bytes:
    """``data`` decoded and encoded again without metadata. Raises ImageRefused."""
    expected = FORMATS[suffix]
    with warnings.catch_warnings():
        # Pillow warns about damaged EXIF (which is thrown away here anyway): the same answer
        # whatever the warning filters. Above Image.MAX_IMAGE_PIXELS it only warns too; a
        # package is refused then.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise ImageRefused("unreadable")
                image.load()
                orientation = image.getexif().get(0x0112, 1)
                if orientation in (0, 1) and is_bare(data, suffix):
                    # Already nothing but pixels (our own output, exported and imported
                    # again): kept as it is, so that cleaning twice changes nothing.
                    output = data
                else:
                    output = _reencode(image, expected, data)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("too-large") from None
        except ImageRefused:
            raise
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
            raise ImageRefused("unreadable") from None
        except (EOFError, IndexError, KeyError, TypeError, ZeroDivisionError, MemoryError):
            raise ImageRefused("unreadable") from None
    if leftover_metadata(output, suffix):
        raise ImageRefused("metadata")
    return output


def _reencode(image: Image.Image, fmt: str, data: bytes) -> bytes:
    if getattr(image, "n_frames", 1) > 1:
        raise ImageRefused("animated")
    image.load()
    kept = {key: image.info[key] for key in ("icc_profile", "transparency") if key in image.info}
    orientation = image.getexif().get(0x0112, 1)
    upright = ImageOps.exif_transpose(image) if orientation not in (0, 1) else image
    upright.info = dict(kept)
    out = io.BytesIO()
    if fmt == "JPEG":
        if upright is image and image.mode in ("L", "RGB", "CMYK"):
            # The original quantisation tables and subsampling: no visible loss.
            upright.save(out, "JPEG", quality="keep", **_icc(kept))
        else:
            if upright.mode not in ("L", "RGB", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0, **_icc(kept))
    elif fmt == "PNG":
        extra = {"transparency": kept["transparency"]} if "transparency" in kept else {}
        upright.save(out, "PNG", **_icc(kept), **extra)
    else:
        lossless = any(kind == b"VP8L" for kind, _start, _end in _riff_chunks(data))
        params = {"lossless": True} if lossless else {"quality": JPEG_QUALITY}
        upright.save(out, "WEBP", exif=b"", xmp=b"", **params, **_icc(kept))
    return out.getvalue()


def _icc(kept: dict) -> dict:
    return {"icc_profile": kept["icc_profile"]} if kept.get("icc_profile") else {}


# Already bare? --------------------------------------------------------------------------------

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_TABLES = _SOF | {0xC4, 0xDB, 0xDD}  # frames, Huffman and quantisation tables, restarts
_PNG_BARE = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"iCCP", b"gAMA", b"cHRM", b"sRGB"}
_PNG_BARE |= {b"sBIT", b"bKGD", b"pHYs"}
_WEBP_BARE = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ICCP"}


def is_bare(data: bytes, suffix: str) -> bool:
    """True only when every byte of the file is structure or pixels (strict: any doubt is no)."""
    try:
        if FORMATS[suffix] == "JPEG":
            return _jpeg_is_bare(data)
        if FORMATS[suffix] == "PNG":
            return _png_is_bare(data)
        return _webp_is_bare(data)
    except (IndexError, struct.error, ValueError):
        return False


def _jpeg_is_bare(data: bytes) -> bool:
    if data[:2] != b"\xff\xd8":
        return False
    i, end = 2, len(data)
    while i + 2 <= end:
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xD9:
            return i + 2 == end
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        payload = data[i + 4 : i + 2 + length]
        if marker == 0xDA:
            i = _after_scan(data, i + 2 + length)
            continue
        if marker == 0xE0:
            if not payload.startswith(b"JFIF\x00"):
                return False
        elif marker in (0xE2, 0xEE):
            if not _harmless_app(marker, payload):
                return False
        elif marker not in _JPEG_TABLES:
            return False
        i += 2 + length
    return False


def _after_scan(data: bytes, i: int) -> int:
    """Where the marker after a scan's entropy-coded data starts."""
    while True:
        i = data.index(b"\xff", i)
        following = data[i + 1]
        if following == 0 or 0xD0 <= following <= 0xD7:  # stuffed byte or restart marker
            i += 2
            continue
        return i


def _png_is_bare(data: bytes) -> bool:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    i = 8
    while i + 12 <= len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        if kind not in _PNG_BARE:
            return False
        i += 12 + length
        if kind == b"IEND":
            return i == len(data)
    return False


def _webp_is_bare(data: bytes) -> bool:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    if struct.unpack("<I", data[4:8])[0] + 8 != len(data):
        return False
    end = 12
    for kind, start, stop in _riff_chunks(data):
        if kind not in _WEBP_BARE or stop > len(data):
            return False
        if kind == b"VP8X" and data[start] & 0x0E:  # EXIF, XMP or animation announced
            return False
        end = stop + ((stop - start) & 1)
    return end == len(data)


# The independent check ---------------------------------------------------------------------


def leftover_metadata(data: bytes, suffix: str) -> bool:
    """True when the encoded image still has a metadata container, or cannot be walked."""
    try:
        if FORMATS[suffix] == "JPEG":
            return _jpeg_has_metadata(data)
        if FORMATS[suffix] == "PNG":
            return _png_has_metadata(data)
        return _webp_has_metadata(data)
    except (IndexError, struct.error, ValueError):
        return True


def _jpeg_has_metadata(data: bytes) -> bool:
    if data[:2] != b"\xff\xd8":
        return True
    i = 2
    while True:
        if data[i] != 0xFF:
            return True
        marker = data[i + 1]
        if marker == 0xDA:
            return False  # entropy-coded data follows; Pillow writes all headers before it
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        payload = data[i + 4 : i + 2 + length]
        if marker == 0xFE or (0xE1 <= marker <= 0xEF and not _harmless_app(marker, payload)):
            return True
        i += 2 + length


def _harmless_app(marker: int, payload: bytes) -> bool:
    # APP2 ICC profile and APP14 Adobe colour transform carry no location or identity.
    return (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00")) or (
        marker == 0xEE and payload.startswith(b"Adobe")
    )


_PNG_METADATA = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}


def _png_has_metadata(data: bytes) -> bool:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return True
    i = 8
    while i < len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        kind = data[i + 4 : i + 8]
        if kind in _PNG_METADATA:
            return True
        i += 12 + length
        if kind == b"IEND":
            return False
    return True


def _riff_chunks(data: bytes):
    i = 12
    while i + 8 <= len(data):
        kind = data[i : i + 4]
        length = struct.unpack("<I", data[i + 4 : i + 8])[0]
        yield kind, i + 8, i + 8 + length
        i += 8 + length + (length & 1)


def _webp_has_metadata(data: bytes) -> bool:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return True
    return any(kind in (b"EXIF", b"XMP ") for kind, _start, _end in _riff_chunks(data))
