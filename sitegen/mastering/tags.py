"""The MP3's ID3v2.4 tag: title, show, episode number, date, cover art, and chapters.

Chapters are ID3 CHAP frames (one per `chapters:` entry, each ending where the next starts,
the last at the end of the audio) under one ordered top-level CTOC frame, as Apple Podcasts,
Overcast and Castro read them. Nothing in the tag depends on the clock, so it is repeatable.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TPE2, TRCK, CTOCFlags, Frame
from PIL import Image, UnidentifiedImageError

from ..models import Chapter, format_clock
from .errors import ChapterError, MasteringError

COVER_SIZE = 600  # px, square: plenty for a player's artwork, small beside the audio
COVER_QUALITY = 88
ID3_PADDING = 512
NO_OFFSET = 0xFFFFFFFF  # CHAP: "byte offsets not given", times are what counts


@dataclass(frozen=True, slots=True)
class EpisodeTags:
    title: str
    show: str
    number: int
    date: str  # YYYY-MM-DD
    cover_jpeg: bytes  # from build_cover_jpeg
    chapters: tuple[Chapter, ...] = ()


def build_cover_jpeg(cover: Path) -> bytes:
    """The art cropped square and scaled to COVER_SIZE, as JPEG bytes for the APIC frame."""
    try:
        with Image.open(cover) as original:
            im = original.convert("RGB")
    except FileNotFoundError:
        raise MasteringError(f"{cover}: cover art not found; add it or fix the path") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise MasteringError(f"{cover}: cannot read the cover art ({exc}); save it again as JPEG or PNG") from None
    w, h = im.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    im = im.crop((left, top, left + side, top + side)).resize((COVER_SIZE, COVER_SIZE), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=COVER_QUALITY, optimize=True)
    return buf.getvalue()


def check_chapters(chapters: tuple[Chapter, ...], duration_ms: int) -> None:
    for i, ch in enumerate(chapters):
        if ch.seconds * 1000 >= duration_ms:
            end = format_clock_ms(duration_ms)
            raise ChapterError(i, f"chapter {ch.title!r} starts at {ch.clock}, after the audio ends ({end}); "
                                  "fix its start in `chapters:` or use the full recording")


def format_clock_ms(ms: int) -> str:
    return format_clock(timedelta(milliseconds=ms))


def _chapter_frames(chapters: tuple[Chapter, ...], duration_ms: int) -> list[Frame]:
    ids = [f"chp{i}" for i in range(len(chapters))]
    starts = [round(ch.seconds * 1000) for ch in chapters]
    frames: list[Frame] = [
        CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
             sub_frames=[TIT2(encoding=3, text=["Chapters"])])
    ]
    for i, ch in enumerate(chapters):
        end = starts[i + 1] if i + 1 < len(chapters) else duration_ms
        frames.append(CHAP(element_id=ids[i], start_time=starts[i], end_time=end, start_offset=NO_OFFSET,
                           end_offset=NO_OFFSET, sub_frames=[TIT2(encoding=3, text=[ch.title])]))
    return frames


def tag_mp3(mp3: bytes, tags: EpisodeTags, duration_ms: int) -> bytes:
    """The MP3 with its ID3v2.4 tag in front."""
    check_chapters(tags.chapters, duration_ms)
    frames: list[Frame] = [
        TIT2(encoding=3, text=[tags.title]), TALB(encoding=3, text=[tags.show]), TPE1(encoding=3, text=[tags.show]),
        TPE2(encoding=3, text=[tags.show]), TRCK(encoding=3, text=[str(tags.number)]),
        TDRC(encoding=3, text=[tags.date]), TCON(encoding=3, text=["Podcast"]),
        APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=tags.cover_jpeg),
    ]
    if tags.chapters:
        frames += _chapter_frames(tags.chapters, duration_ms)
    id3 = ID3()
    for frame in frames:
        id3.add(frame)
    buf = io.BytesIO(mp3)
    id3.save(buf, v2_version=4, padding=lambda info: ID3_PADDING)
    return buf.getvalue()
