"""Read every content file and parse it, reusing the cached result of files that did not change.

A file's cache entry is valid while its bytes and the stat of the media it names (audio,
transcript) are unchanged; the whole cache is dropped when the configuration or the engine
changes. Large cold builds parse in several processes; the result is the same as serial.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .art import check_art
from .cache import DocCache, StatSig, digest, stat_sig, trusted_stat
from .config import SiteConfig
from .media import MediaError, read_audio_infos, read_transcript
from .models import compact
from .parse import MediaFacts, Parsed, parse_doc
from .problems import Problem, rel
from .sources import SECTIONS, SourceDoc, read_source, slug_from_name

PARALLEL_FROM = 64  # below this, starting processes costs more than it saves


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    rel: str
    section: str
    slug: str | None  # None: the file name does not fit the section's pattern


@compact
@dataclass(frozen=True, slots=True)
class Loaded:
    """One content file as parsed: the item or its problems, and what it was made from."""

    rel: str
    content: str  # digest of the file's bytes
    deps: tuple[StatSig, ...]  # media files it names
    item: Parsed | None
    problems: tuple[Problem, ...]
    digest: str = field(init=False)  # of all the above that shapes the output; the file name gives the slug

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", digest(self.rel, self.content, self.deps))


def list_sources(root: Path) -> tuple[list[SourceFile], list[Problem]]:
    content = root / "content"
    files: list[SourceFile] = []
    problems: list[Problem] = []
    for section in SECTIONS:
        folder = content / section
        try:
            names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".md") and e.is_file())
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if not name.startswith(("_", ".")):
                files.append(SourceFile(folder / name, f"content/{section}/{name}", section, slug_from_name(name, section)))
    for stray in sorted(content.glob("*.md")) if content.is_dir() else ():
        problems.append(Problem(rel(stray, root), 0, f"not in a section; move it into content/{'|'.join(SECTIONS)}/"))
    return files, problems


def load_items(files: list[SourceFile], config: SiteConfig, cache: DocCache,
               meanwhile: Callable[[], None] = lambda: None) -> list[Loaded]:
    """Parse what changed, reuse the rest; updates `cache` in place. A file whose size and
    mtime match what the cache trusts is not even read; others are read and compared by digest.
    `meanwhile` runs in this process while worker processes parse (or before a serial parse)."""
    now = time.time_ns()
    out: dict[str, Loaded] = {}
    stats: dict[str, tuple[int, int]] = {}
    misses: list[tuple[SourceFile, str]] = []
    for f in files:
        st = f.path.stat()
        hit = cache.docs.get(f.rel)
        fresh = hit is not None and all(stat_sig(p) == (p, s, m) for p, s, m in hit.deps)
        if fresh and cache.stats.get(f.rel) == (st.st_size, st.st_mtime_ns):
            out[f.rel] = hit
            stats[f.rel] = cache.stats[f.rel]
            continue
        content = digest(f.path.read_bytes())
        if (trusted := trusted_stat(st, now)) is not None:
            stats[f.rel] = trusted
        if fresh and hit.content == content:
            out[f.rel] = hit
        else:
            misses.append((f, content))
    for loaded in _parse_all(misses, config, meanwhile):
        out[loaded.rel] = loaded
    cache.docs = {f.rel: out[f.rel] for f in files}
    cache.stats = stats
    return [out[f.rel] for f in files]


def _parse_all(misses: list[tuple[SourceFile, str]], config: SiteConfig, meanwhile: Callable[[], None]) -> list[Loaded]:
    workers = min(os.cpu_count() or 1, 4)
    if len(misses) < PARALLEL_FROM or workers < 2:
        meanwhile()
        return [parse_file(f, content, config) for f, content in misses]
    size = max(8, len(misses) // (workers * 4))
    chunks = [misses[i:i + size] for i in range(0, len(misses), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_parse_chunk, chunks, [config] * len(chunks))
        meanwhile()
        return [loaded for chunk in results for loaded in chunk]


def _parse_chunk(chunk: list[tuple[SourceFile, str]], config: SiteConfig) -> list[Loaded]:
    return [parse_file(f, content, config) for f, content in chunk]


def parse_file(f: SourceFile, content: str, config: SiteConfig) -> Loaded:
    doc = read_source(f.path, f.rel, f.section)
    if not isinstance(doc, SourceDoc):
        return Loaded(f.rel, content, (), None, tuple(doc))
    facts, deps = read_media_facts(doc)
    item, problems = parse_doc(doc, config, facts)
    return Loaded(f.rel, content, deps, item, tuple(problems))


def read_media_facts(doc: SourceDoc) -> tuple[MediaFacts, tuple[StatSig, ...]]:
    """Measure the local audio and transcript an episode names (its front matter is not parsed yet)."""
    if doc.section != "episodes":
        return MediaFacts(), ()
    audio: list[Path] = []
    transcripts: dict[Path, Any] = {}
    ref = doc.data.get("audio")
    if isinstance(ref, str) and "://" not in ref and ".." not in ref:
        audio.append(doc.path.parent / ref)
    ref = doc.data.get("transcript")
    if isinstance(ref, str) and ".." not in ref:
        path = doc.path.parent / ref
        try:
            transcripts[path] = read_transcript(path)
        except MediaError as exc:
            transcripts[path] = exc
    art = {}
    ref = doc.data.get("image")
    if isinstance(ref, str) and ".." not in ref:
        path = doc.path.parent / ref
        art[path] = (tuple(check_art(path)), stat_sig(path)[1])
    deps = tuple(stat_sig(p) for p in audio + list(transcripts) + list(art))
    return MediaFacts(audio=read_audio_infos(audio), art=art, transcripts=transcripts), deps
