"""`build.py media master EPISODE.md [--from RECORDING]`: master a recording into the episode's MP3.

The recording is found at recordings/NNN-slug.wav (or .flac, .m4a, .mp3) in the project folder
unless --from names it: that folder is git-ignored, because raw recordings are large (a 45-minute
WAV is about 500 MB, over GitHub's 100 MB file limit) and only the mastered MP3 is published.
The front matter is read by the build's own rules; the MP3 named by `audio:` is replaced only
when the new one is complete and verified, so a failure leaves the old one as it was.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..config import read_config
from ..problems import BuildError, Problem, rel
from ..say import problem
from ..schema import EPISODE, parse_fields
from ..sources import SourceDoc, read_source
from .errors import ChapterError, MasteringError
from .master import Mastered, master_file
from .tags import EpisodeTags, build_cover_jpeg, format_clock_ms

RECORDINGS = "recordings"
RECORDING_FORMATS = (".wav", ".flac", ".m4a", ".mp3")
CHAPTER_SHIFT_WARN_S = 0.5  # chapter times are whole seconds: less than this cannot move one


@dataclass(frozen=True, slots=True)
class EpisodeToMaster:
    root: Path
    doc: SourceDoc
    audio_path: Path
    tags: EpisodeTags


def find_root(md: Path) -> Path:
    for parent in md.resolve().parents:
        if (parent / "site.toml").is_file():
            return parent
    raise MasteringError(f"{md}: no site.toml in any folder above it; run this on an episode inside the project")


def read_episode(md: Path) -> EpisodeToMaster:
    """The episode's front matter checked as a build checks it; BuildError lists every problem."""
    if not md.is_file():
        raise MasteringError(f"{md}: no such file; give the episode's Markdown file, e.g. content/episodes/008-hills.md")
    root = find_root(md)
    config = read_config(root / "site.toml")
    shown = rel(md, root)
    doc = read_source(md, shown, "episodes")
    if isinstance(doc, list):
        raise BuildError(doc)
    v, found = parse_fields(doc.data, EPISODE, config.context)
    problems = [Problem(shown, doc.line(fp.key) if fp.key else 1, fp.message) for fp in found]
    audio = v.get("audio")
    if isinstance(audio, str) and ("://" in audio or not audio.lower().endswith(".mp3")):
        problems.append(Problem(shown, doc.line(("audio",)), f"audio: mastering writes an MP3 beside the episode; "
                                                             f"set `audio: {md.stem}.mp3`"))
    if problems:
        raise BuildError(problems)
    cover = md.parent / v["image"] if v.get("image") else root / config.podcast.image
    tags = EpisodeTags(title=v["title"], show=config.title, number=v["number"], date=v["date"].date().isoformat(),
                       cover_jpeg=build_cover_jpeg(cover), chapters=v["chapters"])
    return EpisodeToMaster(root, doc, md.parent / v["audio"], tags)


def find_recording(episode: EpisodeToMaster, given: Path | None) -> Path:
    if given is not None:
        return given
    folder = episode.root / RECORDINGS
    found = [folder / f"{episode.doc.path.stem}{ext}" for ext in RECORDING_FORMATS
             if (folder / f"{episode.doc.path.stem}{ext}").is_file()]
    names = ", ".join(rel(p, episode.root) for p in found)
    if len(found) > 1:
        raise MasteringError(f"{episode.doc.rel}: more than one recording: {names}; keep one, or name it with --from FILE")
    if not found:
        stem = rel(folder / episode.doc.path.stem, episode.root)
        raise MasteringError(f"{episode.doc.rel}: no recording at {stem}.wav (or .flac, .m4a, .mp3); "
                             "put it there, or name it with --from FILE")
    return found[0]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` whole: a temporary file beside it, then one rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def master_episode(md: Path, recording: Path | None = None) -> tuple[EpisodeToMaster, Path, Mastered]:
    """Master the episode's recording into its `audio:` MP3. Raises MasteringError or BuildError."""
    episode = read_episode(md)
    source = find_recording(episode, recording)
    try:
        mastered = master_file(source, episode.tags)
    except ChapterError as exc:
        line = episode.doc.line(("chapters", exc.index))
        raise BuildError([Problem(episode.doc.rel, line, f"chapters: {exc}")]) from None
    write_atomic(episode.audio_path, mastered.mp3)
    return episode, source, mastered


def render_summary(episode: EpisodeToMaster, source: Path, m: Mastered, seconds: float) -> str:
    s, p = m.source, m.published
    layout = "mono" if p.channels == 1 else "stereo"
    lines = [f"{episode.doc.rel}: {rel(source, episode.root)} ({s.loudness_lufs:.1f} LUFS, {s.true_peak_dbtp:.1f} dBTP, "
             f"{format_clock_ms(round(s.seconds * 1000))}) -> {rel(episode.audio_path, episode.root)}: "
             f"{p.loudness_lufs:.1f} LUFS, {p.true_peak_dbtp:.1f} dBTP, {p.rate / 1000:g} kHz {layout} "
             f"{m.bitrate_kbps} kbit/s, {format_clock_ms(round(p.seconds * 1000))}, {len(m.mp3) / 1e6:.2f} MB "
             f"({seconds:.1f} s)"]
    if m.trimmed_start_s or m.trimmed_end_s:
        lines.append(f"  silence cut: {m.trimmed_start_s:.1f} s at the start, {m.trimmed_end_s:.1f} s at the end")
    if episode.tags.chapters and m.trimmed_start_s >= CHAPTER_SHIFT_WARN_S:
        lines.append(f"  note: the MP3 starts {m.trimmed_start_s:.1f} s into the recording, so chapter times taken "
                     "from the recording are that much late; chapters are times in the MP3")
    return "\n".join(lines)


def main(md: Path, recording: Path | None) -> int:
    """The command: one summary on success; on bad input one message, exit 1, the old MP3 untouched."""
    started = time.monotonic()
    try:
        episode, source, mastered = master_episode(md, recording)
    except BuildError as exc:
        problem(exc.report().replace("nothing was written", "the MP3 was not changed"))
        return 1
    except MasteringError as exc:
        problem(f"{exc}\nThe MP3 was not changed.")
        return 1
    except KeyboardInterrupt:
        problem("build.py media master: stopped; the MP3 was not changed")
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        problem(f"{where}{exc.strerror or exc}; check the path, its permissions and the free disk space. "
                "The MP3 was not changed.")
        return 1
    print(render_summary(episode, source, mastered, time.monotonic() - started))
    sys.stdout.flush()
    return 0
