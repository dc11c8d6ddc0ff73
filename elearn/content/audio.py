"""MP3 and Ogg audio without tags: the artist, comments and place a recorder wrote.

- MP3: ID3v2, ID3v1, APE and Lyrics3 tags are cut off; what is left must be MPEG audio frames
  from end to end, or the file is refused.
- Ogg: mutagen (well kept, pure Python) deletes the Vorbis/Opus comments and rewrites the pages
  with their checksums.
"""

from __future__ import annotations

import io
import struct

from elearn.content.recordings import Refused

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
