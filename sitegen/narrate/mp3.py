"""The episode's MP3: mono, 64 kbps CBR, with ID3 tags and the show's cover art."""
from __future__ import annotations

import array
import io
import sys
from pathlib import Path

import lameenc
from mutagen.id3 import APIC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TPE2, TRCK
from PIL import Image

from .errors import NarrationError
from .script import SHOW

BITRATE_KBPS = 64
LAME_QUALITY = 2
MAX_MP3_BYTES = 4_000_000  # "under 4 MB" whichever way a MB is counted

COVER_REL = Path("static/img/cover.jpg")
COVER_SIZE = 600
COVER_QUALITY = 88
ID3_PADDING = 512


def encode_mp3(pcm: array.array[int], rate: int) -> bytes:
    enc = lameenc.Encoder()
    enc.set_bit_rate(BITRATE_KBPS)
    enc.set_in_sample_rate(rate)
    enc.set_out_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(LAME_QUALITY)
    data = pcm.tobytes() if sys.byteorder == "little" else _swapped(pcm)
    return bytes(enc.encode(data) + enc.flush())


def _swapped(pcm: array.array[int]) -> bytes:  # pragma: no cover - big-endian hosts
    b = array.array("h", pcm)
    b.byteswap()
    return b.tobytes()


def find_cover(md_path: Path) -> Path:
    for parent in md_path.resolve().parents:
        if (parent / COVER_REL).is_file():
            return parent / COVER_REL
    raise NarrationError(
        f"{md_path}: cover art {COVER_REL} not found in any folder above the episode; "
        "draw it with `python tools/make_art.py` in the project root"
    )


def build_cover_jpeg(cover: Path) -> bytes:
    """The cover art cropped square and scaled to COVER_SIZE, as JPEG bytes for the APIC frame."""
    with Image.open(cover) as original:
        im = original.convert("RGB")
        w, h = im.size
        side = min(w, h)
        im = im.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side))
        im = im.resize((COVER_SIZE, COVER_SIZE), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=COVER_QUALITY, optimize=True)
    return buf.getvalue()


def write_tags(path: Path, *, title: str, number: int, date: str, cover: bytes) -> None:
    """Replace the MP3's ID3v2.3 tag: title, show, track number, date and cover art."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=SHOW))
    tags.add(TPE1(encoding=3, text=SHOW))
    tags.add(TPE2(encoding=3, text=SHOW))
    tags.add(TRCK(encoding=3, text=str(number)))
    tags.add(TDRC(encoding=3, text=date))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=cover))
    tags.save(str(path), v2_version=3, padding=lambda info: ID3_PADDING)
