"""Every media file leaves without location or identifying metadata, or is refused by name."""

from __future__ import annotations

import io
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from elearn.content.audio import clean_mp3
from elearn.content.media import strip_metadata
from elearn.content.problems import Collector
from elearn.content.recordings import Refused, clean_mp4, clean_webm, verify_mp4
from tests.content import mediafiles as mf
from tests.content.helpers import load, read_zip_bytes, valid_files, zip_of


def strip(data: bytes, suffix: str, path: str = "media/file"):
    problems = Collector()
    out = strip_metadata(path + suffix, data, suffix, problems)
    return out, [problem.text(lambda text: text) for problem in problems.errors]


def assert_clean(data: bytes) -> None:
    for marker in mf.MARKERS:
        assert marker not in data, marker


# Images ---------------------------------------------------------------------------------------


def test_a_jpeg_with_fill_bytes_between_segments_leaves_without_its_gps():
    segments, scan = mf.jpeg_segments(mf.jpeg())
    exif = mf.app1_exif(mf.exif_with_gps())
    # Fill bytes (0xFF runs) before a marker are allowed by the standard (ITU T.81, B.1.1.2).
    hostile = b"\xff\xd8" + b"\xff\xff\xff" + exif + b"".join(segments) + scan + bytes(64)
    out, problems = strip(hostile, ".jpg")
    assert problems == []
    assert out != hostile
    assert_clean(out)
    with Image.open(io.BytesIO(out)) as image:
        assert not image.getexif() and "xmp" not in image.info and "comment" not in image.info
        assert image.size == (16, 8)


def test_a_sideways_photo_is_turned_upright_before_its_exif_goes():
    photo = mf.jpeg((16, 8), exif=mf.exif_with_gps(orientation=6))
    out, problems = strip(photo, ".jpg")
    assert problems == []
    with Image.open(io.BytesIO(out)) as image:
        assert image.size == (8, 16)
        assert not image.getexif()


def test_xmp_and_comments_go_and_the_colour_profile_stays():
    image = Image.new("RGB", (4, 4), "red")
    profile = b"\x00\x00\x02\x0cfake-icc-profile-bytes"
    out = io.BytesIO()
    image.save(out, "JPEG", icc_profile=profile, comment=b"ELEARN-COMMENT")
    segments, scan = mf.jpeg_segments(out.getvalue())
    data = b"\xff\xd8" + mf.xmp_segment() + b"".join(segments) + scan
    cleaned, problems = strip(data, ".jpeg")
    assert problems == []
    assert_clean(cleaned)
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.info.get("icc_profile") == profile


def test_png_text_and_webp_exif_are_dropped_and_stay_lossless():
    image = Image.new("RGBA", (3, 3), (10, 20, 30, 40))
    png = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "ELEARN-COMMENT")
    image.save(png, "PNG", pnginfo=info, exif=mf.exif_with_gps())
    out, problems = strip(png.getvalue(), ".png")
    assert problems == [] and b"ELEARN" not in out
    with Image.open(io.BytesIO(out)) as result:
        assert result.getpixel((1, 1)) == (10, 20, 30, 40)
    webp = io.BytesIO()
    image.save(webp, "WEBP", lossless=True, exif=mf.exif_with_gps())
    out, problems = strip(webp.getvalue(), ".webp")
    assert problems == [] and b"ELEARN" not in out and b"EXIF" not in out
    with Image.open(io.BytesIO(out)) as result:
        assert result.getpixel((1, 1)) == (10, 20, 30, 40)


def test_an_image_that_cannot_be_decoded_is_refused_by_name():
    out, problems = strip(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00GPS 47N", ".jpg", "media/photo")
    assert out is None
    assert problems == [
        "media/photo.jpg is not an image that can be read: it is damaged or not a .jpg."
    ]


def test_a_decompression_bomb_is_a_package_problem(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    out, problems = strip(mf.jpeg((16, 8)), ".jpg", "media/big")  # 128 pixels: a warning
    assert out is None
    assert problems == [
        "media/big.jpg has too many pixels to be read safely; make the image smaller."
    ]


def test_a_jpeg_with_damaged_exif_is_cleaned_not_an_exception():
    """Found by the package fuzz test: Pillow warns about EXIF that claims more than it has."""
    segments, scan = mf.jpeg_segments(mf.jpeg())
    exif = mf.exif_with_gps()
    damaged = mf.app1_exif(exif[: len(exif) // 2])
    out, problems = strip(b"\xff\xd8" + damaged + b"".join(segments) + scan, ".jpg")
    assert problems == []
    assert_clean(out)


APP_SEGMENTS = st.sampled_from(
    [
        mf.app1_exif(mf.exif_with_gps()),
        mf.xmp_segment(),
        mf.com_segment(),
        b"\xff\xed\x00\x14Photoshop 3.0\x00ELEAR",
        b"\xff\xe2\x00\x06\x00\x00",
    ]
)


@st.composite
def jpeg_layouts(draw):
    segments, scan = mf.jpeg_segments(mf.jpeg())
    parts = list(segments)
    for _ in range(draw(st.integers(0, 4))):
        parts.insert(draw(st.integers(0, len(parts))), draw(APP_SEGMENTS))
    if draw(st.booleans()):
        parts = draw(st.permutations(parts))
    gps = mf.app1_exif(mf.exif_with_gps())
    parts.insert(draw(st.integers(0, len(parts))), gps)
    fills = [b"\xff" * draw(st.integers(0, 3)) for _ in parts]
    body = b"".join(fill + part for fill, part in zip(fills, parts, strict=True))
    padding = draw(st.sampled_from([b"", bytes(7), b"\xff" * 5, b"ELEARN-COMMENT"]))
    return b"\xff\xd8" + body + scan + padding


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jpeg_layouts())
def test_fuzzed_jpeg_layouts_never_keep_gps_or_make(data):
    out, problems = strip(data, ".jpg")
    if out is None:
        assert problems and "media/file.jpg" in problems[0]
        return
    assert out != data
    assert_clean(out)
    assert b"Exif\x00\x00" not in out
    with Image.open(io.BytesIO(out)) as image:
        assert not image.getexif()


# Audio and video ------------------------------------------------------------------------------


@pytest.mark.parametrize("brand", [b"mp42", b"qt  "])
def test_mp4_and_quicktime_branded_mp4_lose_every_location_box_in_place(brand):
    data, media = mf.mp4(brand=brand)
    assert b"ISO6709" in data and b"\xa9xyz" in data
    out, problems = strip(data, ".mp4")
    assert problems == []
    assert len(out) == len(data)
    assert_clean(out)
    assert out.endswith(struct.pack(">I", 8 + len(media)) + b"mdat" + media)
    offset = struct.unpack(">I", out[out.index(b"stco") + 12 : out.index(b"stco") + 16])[0]
    assert out[offset : offset + 100] == media[:100]
    verify_mp4(out)


def test_an_mp4_with_a_timed_metadata_track_is_refused():
    data, _media = mf.mp4(handler=b"meta")
    out, problems = strip(data, ".mp4", "media/clip")
    assert out is None
    assert problems == [
        "media/clip.mp4 could not be checked for location data; export it again without metadata."
    ]


def test_a_damaged_mp4_is_refused_not_stored():
    data, _media = mf.mp4()
    with pytest.raises(Refused):
        clean_mp4(data[:-10] + struct.pack(">I", 10**6) + b"moov")
    with pytest.raises(Refused):
        clean_mp4(data[:200])


@pytest.mark.parametrize("unknown_sizes", [False, True])
def test_webm_tags_attachments_and_titles_become_void(unknown_sizes):
    data, block = mf.webm(unknown_sizes=unknown_sizes)
    assert b"LOCATION" in data
    out, problems = strip(data, ".webm")
    assert problems == []
    assert len(out) == len(data)
    assert_clean(out)
    assert block in out and out.index(block) == data.index(block)


def test_a_webm_with_an_element_we_do_not_know_is_refused():
    data, _block = mf.webm()
    with pytest.raises(Refused):
        clean_webm(data + b"\x1f\x43\xb6\x75")
    with pytest.raises(Refused):
        clean_webm(b"\x1a\x45\xdf\xa3\x84" + data[5:])


def test_mp3_tags_are_cut_and_the_frames_stay_byte_for_byte():
    data, frames = mf.mp3()
    out, problems = strip(data, ".mp3")
    assert problems == []
    assert out == frames
    assert_clean(out)


def test_an_mp3_with_bytes_that_are_not_frames_is_refused():
    _data, frames = mf.mp3()
    with pytest.raises(Refused):
        clean_mp3(frames[:500] + b"ELEARN-COMMENT" + frames[500:])
    with pytest.raises(Refused):
        clean_mp3(b"ID3\x03\x00\x00\x00\x00\x00\x10" + bytes(16))


def test_ogg_comments_are_deleted_by_mutagen():
    mutagen_ogg = pytest.importorskip("mutagen.oggvorbis")
    from mutagen.ogg import OggPage

    identification = b"\x01vorbis" + struct.pack("<IBIiii", 0, 1, 44100, 0, 128000, 0) + b"\xb8\x01"
    comment = b"\x03vorbis" + struct.pack("<I", 4) + b"test" + struct.pack("<I", 1)
    text = b"LOCATION=+47.0465+021.9189/"
    comment += struct.pack("<I", len(text)) + text + b"\x01"
    setup = b"\x05vorbis" + bytes(20)
    pages = []
    first = OggPage()
    first.packets, first.serial, first.sequence, first.first = [identification], 7, 0, True
    second = OggPage()
    second.packets, second.serial, second.sequence, second.position = [comment, setup], 7, 1, 0
    audio = OggPage()
    audio.packets, audio.serial, audio.sequence, audio.position = [mf.noise(500)], 7, 2, 1000
    audio.last = True
    pages = [first, second, audio]
    data = b"".join(page.write() for page in pages)
    assert mutagen_ogg.OggVorbis(io.BytesIO(data)).tags["LOCATION"]
    out, problems = strip(data, ".ogg")
    assert problems == []
    assert b"LOCATION" not in out and b"47.0465" not in out
    assert mf.noise(500) in out


# In a package ---------------------------------------------------------------------------------


def test_a_mov_file_is_refused_with_the_advice_to_export_mp4():
    from elearn.content.problems import PackageError

    files = {**valid_files(), "media/clip.mov": mf.mp4(brand=b"qt  ")[0]}
    with pytest.raises(PackageError) as error:
        read_zip_bytes(zip_of(files))
    messages = [problem.text(lambda text: text) for problem in error.value.problems]
    assert (
        "media/clip.mov is a QuickTime .mov file; export it as MP4 (H.264) and add that."
        in messages
    )


def test_the_valid_package_media_leave_clean():
    files = valid_files()
    files["media/clip.mp4"] = mf.mp4()[0]
    package = load(files)
    for path, data in package.files.items():
        if path.startswith("media/") and not path.endswith((".md", ".vtt", ".pdf")):
            assert_clean(data)
            assert b"GPS" not in data, path


@pytest.mark.parametrize(
    ("suffix", "params"),
    [(".jpg", {"exif": mf.exif_with_gps()}), (".png", {}), (".webp", {"quality": 80})],
)
def test_cleaning_twice_changes_nothing_so_an_exported_package_imports_the_same(suffix, params):
    image = Image.new("RGB", (9, 7), (200, 30, 60))
    image.putpixel((3, 3), (0, 255, 0))
    source = io.BytesIO()
    image.save(source, {".jpg": "JPEG", ".png": "PNG", ".webp": "WEBP"}[suffix], **params)
    once, problems = strip(source.getvalue(), suffix)
    assert problems == []
    twice, problems = strip(once, suffix)
    assert problems == [] and twice == once
    assert strip(once + b"ELEARN-COMMENT", suffix)[0] != once + b"ELEARN-COMMENT"


@st.composite
def damaged_recordings(draw):
    suffix = draw(st.sampled_from([".mp4", ".webm", ".mp3", ".m4a", ".ogg"]))
    data = {
        ".mp4": lambda: mf.mp4()[0],
        ".m4a": lambda: mf.mp4(brand=b"M4A ")[0],
        ".webm": lambda: mf.webm(unknown_sizes=draw(st.booleans()))[0],
        ".mp3": lambda: mf.mp3()[0],
        ".ogg": lambda: b"OggS" + bytes(60),
    }[suffix]()
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    cut = draw(st.integers(1, len(data)))
    return suffix, bytes(data[:cut])


@settings(max_examples=300, deadline=None)
@given(damaged_recordings())
def test_damaged_audio_and_video_are_cleaned_or_refused_never_an_exception(case):
    suffix, data = case
    out, problems = strip(data, suffix)
    if out is None:
        assert problems
    else:
        assert_clean(out)


def test_a_pdf_handout_loses_its_author_and_xmp_and_keeps_its_pages():
    from pypdf import PdfReader

    data = mf.pdf()
    assert b"ELEARN-ARTIST" in data and b"xmpmeta" in data
    out, problems = strip(data, ".pdf")
    assert problems == []
    assert_clean(out)
    reader = PdfReader(io.BytesIO(out))
    assert reader.metadata is None and reader.xmp_metadata is None
    assert reader.pages[0].extract_text() == "Worksheet"
    assert strip(out, ".pdf")[0] == out  # cleaning twice changes nothing


def test_a_pdf_with_a_geotagged_photo_inside_or_damaged_is_refused():
    photo = mf.jpeg((8, 8), exif=mf.exif_with_gps())
    data = mf.pdf(photo=photo)
    out, problems = strip(data, ".pdf", "media/handout")
    assert out is None
    assert problems == [
        "media/handout.pdf could not be checked for location data; "
        "export it again without metadata."
    ]
    assert strip(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", ".pdf")[0] is None


def test_webm_text_hidden_in_an_element_that_claims_to_be_a_number_is_refused():
    """Found by fuzzing: a timestamp scale whose size swallows the title after it."""
    data, _block = mf.webm(unknown_sizes=True)
    scale = data.index(b"\x2a\xd7\xb1") + 3
    assert data[scale] == 0x01  # an 8-byte size; 0xD0 is a 1-byte size of 80
    hidden = data[:scale] + b"\xd0" + data[scale + 1 :]
    out, problems = strip(hidden, ".webm")
    assert out is None and problems
