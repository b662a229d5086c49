"""Read every content file and parse it, reusing the cached result of files that did not change.

A file's cache entry is valid while its bytes and those of the media it names (audio,
transcript, art; hashed only when their size or mtime changed) are unchanged; the whole cache is dropped when the configuration or the engine
changes. Large cold builds parse in several processes; the result is the same as serial.
"""
from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from .art import check_art
from .assets import link_problem
from .body import Body
from .cache import DocCache
from .codec import Codec
from .collector import in_worker
from .config import SiteConfig
from .fingerprint import ContentIds, FileId, digest, racy, stat_sig
from .manifest import Manifest, ManifestEntry
from .media import MediaError, read_audio_infos, read_transcript
from .models import compact
from .parse import MediaFacts, Parsed, parse_doc, render_body
from .problems import Problem, rel
from .sources import MAX_FILE_BYTES, SECTIONS, SourceDoc, read_source, slug_from_name

PARALLEL_FROM = 64  # below this, starting processes costs more than it saves


@dataclass(frozen=True, slots=True)
class SourceFile:
    folder: Path
    rel: str
    section: str
    slug: str | None  # None: the file name does not fit the section's pattern

    @property
    def path(self) -> Path:  # made when needed: most files of a rebuild are never opened
        return self.folder / posixpath.basename(self.rel)


@compact
@dataclass(frozen=True, slots=True)
class Loaded:
    """One content file as parsed: the item or its problems, and what it was made from."""

    rel: str
    content: str  # digest of the file's bytes
    deps: tuple[FileId, ...]  # media files it names, by their bytes: a checkout's new mtimes do not make it stale
    item: Parsed | None
    problems: tuple[Problem, ...]
    published: tuple[tuple[str, str], ...] = ()  # (audio name, digest of its media.json entry or "") it looked up
    listing: str = ""  # digest of the item without its body: what a page that lists it can show
    digest: str = field(init=False)  # of all the above that shapes the output; the file name gives the slug

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", digest(self.rel, self.content, self.deps, self.published))


def list_sources(root: Path) -> tuple[list[SourceFile], list[Problem]]:
    content = root / "content"
    files: list[SourceFile] = []
    problems: list[Problem] = []
    if (linked := link_problem(content, root)) is not None:  # all it holds would be published
        return files, [Problem("content", 0, linked)]
    for section in SECTIONS:
        folder = content / section
        if (linked := link_problem(folder, root)) is not None:
            problems.append(Problem(f"content/{section}", 0, linked))
            continue
        try:
            names = sorted((e.name, e.is_symlink()) for e in os.scandir(folder) if e.name.endswith(".md") and e.is_file())
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name, is_link in names:
            if is_link and (linked := link_problem(folder / name, root)) is not None:
                problems.append(Problem(f"content/{section}/{name}", 0, linked))
            elif not name.startswith(("_", ".")):
                files.append(SourceFile(folder, f"content/{section}/{name}", section, slug_from_name(name, section)))
    for stray in sorted(content.glob("*.md")) if content.is_dir() else ():
        problems.append(Problem(rel(stray, root), 0, f"not in a section; move it into content/{'|'.join(SECTIONS)}/"))
    return files, problems


# What the build cache may hold: decoding it can only make these.
DOC_CODEC = Codec(Loaded)


def load_items(files: list[SourceFile], config: SiteConfig, cache: DocCache, now_ns: int,
               meanwhile: Callable[[], None] = lambda: None, manifest: Manifest = Manifest(),
               seen: Mapping[str, tuple[int, int]] | None = None) -> tuple[list[Loaded], DocCache]:
    """Parse what changed, reuse the rest; returns the documents and the cache to keep for next time. A file whose size and
    mtime match what the cache trusts is not even read; others are read and compared by digest.
    `now_ns` is the build's one clock, read before any input was: a file modified within the
    clock's resolution of it is compared by content next time, never trusted by its stat.
    `meanwhile` runs in this process while worker processes parse (or before a serial parse).
    An entry of content/media.json is part of what a file was parsed from: only the files whose
    entries changed are parsed again when the manifest does. `seen`: (size, mtime) of files the
    build already stat'ed, by path, taken before anything was read (so an edit made since is seen next time)."""
    out: dict[str, Loaded] = {}
    stats: dict[str, tuple[int, int]] = {}
    misses: list[tuple[SourceFile, str]] = []
    ids = ContentIds(config.root, cache.media, now_ns)
    seen = seen or {}
    for f in files:
        if (sig := seen.get(f.rel)) is None:
            st = f.path.stat()
            sig = (st.st_size, st.st_mtime_ns)
        hit: Loaded | None = cache.docs.get(f.rel)
        if hit is not None and not _still_valid(hit, ids, manifest):
            hit = None
        if hit is not None and cache.stats.get(f.rel) == sig:
            out[f.rel] = hit
            stats[f.rel] = sig
            continue
        content = _content_digest(f, sig)
        if not racy(sig[1], now_ns):  # too new to trust its mtime: compared by content next time
            stats[f.rel] = sig
        if hit is not None and hit.content == content:
            out[f.rel] = hit
        else:
            misses.append((f, content))
    for parsed in _parse_all(misses, config, ids, manifest, meanwhile):
        out[parsed.rel] = parsed
        for dep in parsed.deps:  # hashed by a worker: kept when the file is unchanged since
            ids.confirm(dep)
    return [out[f.rel] for f in files], replace(cache, docs={f.rel: out[f.rel] for f in files}, stats=stats, media=ids.seen)


def _content_digest(f: SourceFile, sig: tuple[int, int]) -> str:
    """The file's bytes as a digest; a file over the cap is refused by its reader, so it is never read whole here."""
    return digest(f.path.read_bytes()) if sig[0] <= MAX_FILE_BYTES else digest("too large", *sig)


def _still_valid(hit: Loaded, ids: ContentIds, manifest: Manifest) -> bool:
    """The media it was parsed with are unchanged: files by their bytes, manifest entries by digest."""
    return (all(ids.of(dep[0]) == dep for dep in hit.deps)
            and all(manifest.digest_of(name) == d for name, d in hit.published))


def _parse_all(misses: list[tuple[SourceFile, str]], config: SiteConfig, ids: ContentIds, manifest: Manifest,
               meanwhile: Callable[[], None]) -> list[Loaded]:
    workers = min(os.cpu_count() or 1, 4)
    if len(misses) < PARALLEL_FROM or workers < 2:
        meanwhile()
        return [parse_file(f, content, config, ids, manifest) for f, content in misses]
    from concurrent.futures import ProcessPoolExecutor  # here: its 10 ms import pays only for a cold build

    # At most 200 files a chunk: a worker holds its chunk's documents until it sends them all (a
    # quarter of 20,000 posts would be 80 MB in each worker beside the 250 MB they make here).
    size = max(8, min(200, len(misses) // (workers * 4)))
    chunks = [misses[i:i + size] for i in range(0, len(misses), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_parse_chunk, chunks, [config] * len(chunks), [ids] * len(chunks), [manifest] * len(chunks))
        meanwhile()
        return [loaded for chunk in results for loaded in chunk]


def _parse_chunk(chunk: list[tuple[SourceFile, str]], config: SiteConfig, ids: ContentIds, manifest: Manifest) -> list[Loaded]:
    in_worker()
    return [parse_file(f, content, config, ids, manifest) for f, content in chunk]


def parse_file(f: SourceFile, content: str, config: SiteConfig, ids: ContentIds, manifest: Manifest = Manifest()) -> Loaded:
    try:
        return _parse_file(f, content, config, ids, manifest)
    except Exception as exc:  # a bug: say which file it met, wherever it is reported
        exc.add_note(f"while reading {f.rel}")
        raise


def _parse_file(f: SourceFile, content: str, config: SiteConfig, ids: ContentIds, manifest: Manifest) -> Loaded:
    doc = read_source(f.path, f.rel, f.section)
    if not isinstance(doc, SourceDoc):
        return Loaded(f.rel, content, (), None, tuple(doc))
    facts, deps, published = read_media_facts(doc, config, ids, manifest)
    item, problems = parse_doc(doc, config, facts)
    listing = digest(f.rel, deps, published, replace(item, body=Body(""))) if item is not None else ""
    return Loaded(f.rel, content, deps, item, tuple(problems), published, listing)


def body_from_source(config: SiteConfig, rel: str, loaded: Loaded) -> str | None:
    """A cached document's body, made again from its source as parsing made it (when the cache
    lost it during the build); None when the source is no longer the one it was parsed from."""
    path = config.root / rel
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if loaded.item is None or digest(data) != loaded.content:
        return None
    doc = read_source(path, rel, loaded.item.section)
    return render_body(doc, config, []) if isinstance(doc, SourceDoc) else None


def _published_audio(doc: SourceDoc, config: SiteConfig, manifest: Manifest) -> tuple[str, ManifestEntry | None] | None:
    """The audio name to look up in content/media.json, and the entry to publish, when the episode's
    audio is remote, or storage is s3, or the local file is gone; None: measure the local file."""
    ref = doc.data.get("audio")
    if not isinstance(ref, str) or ".." in ref:
        return None
    if "://" not in ref and not config.media.s3 and (doc.path.parent / ref).exists():
        return None  # in the repository: the file itself is measured and published
    return ref, manifest.entries.get(ref)


def read_media_facts(doc: SourceDoc, config: SiteConfig, ids: ContentIds, manifest: Manifest = Manifest()
                     ) -> tuple[MediaFacts, tuple[FileId, ...], tuple[tuple[str, str], ...]]:
    """Measure the local audio and transcript an episode names (its front matter is not parsed yet),
    or take the audio's entry in content/media.json. Each local file is published beside the
    episode, so one reached by a link out of the project is refused."""
    if doc.section != "episodes":
        return MediaFacts(), (), ()
    looked = _published_audio(doc, config, manifest)
    published = ((looked[0], manifest.digest_of(looked[0])),) if looked is not None else ()
    remote = {looked[0]: looked[1]} if looked is not None and looked[1] is not None else {}
    facts, deps = _read_local_media(doc, config.root, ids, measure_audio=not remote)
    # a missing local file is a dependency too: adding it back makes the episode read again
    folder = posixpath.dirname(doc.rel)
    deps += tuple(ids.of(posixpath.join(folder, ref)) for ref in remote if "://" not in ref and not config.media.s3)
    return replace(facts, published=remote), deps, published


def _read_local_media(doc: SourceDoc, root: Path, ids: ContentIds, measure_audio: bool) -> tuple[MediaFacts, tuple[FileId, ...]]:
    linked: dict[Path, str] = {}

    def beside(key: str, remote_ok: bool = False) -> Path | None:
        ref = doc.data.get(key)
        if not isinstance(ref, str) or ".." in ref or (remote_ok and "://" in ref):
            return None
        path = doc.path.parent / ref
        if (why := link_problem(path, root)) is not None:
            linked[path] = f"is {why}"
        return path

    audio = [p for p in (beside("audio", remote_ok=True),) if p is not None and measure_audio]
    transcript, image = beside("transcript"), beside("image")
    transcripts = {transcript: _read_transcript(transcript, linked)} if transcript is not None else {}
    art = {image: ((linked[image],) if image in linked else tuple(check_art(image)), stat_sig(image)[1])} if image is not None else {}
    folder = posixpath.dirname(doc.rel)
    deps = tuple(ids.of(posixpath.join(folder, p.relative_to(doc.path.parent).as_posix())) for p in audio + list(transcripts) + list(art))
    infos = read_audio_infos([p for p in audio if p not in linked])
    infos.update((p, MediaError(f"{p.name} {linked[p]}")) for p in audio if p in linked)
    return MediaFacts(audio=infos, art=art, transcripts=transcripts), deps


def _read_transcript(path: Path, linked: dict[Path, str]) -> Any:
    """The transcript's cues, or the problem with it (as a value: it is reported with the front matter's line)."""
    if path in linked:
        return MediaError(f"{path.name} {linked[path]}")
    try:
        return read_transcript(path)
    except MediaError as exc:
        return exc
