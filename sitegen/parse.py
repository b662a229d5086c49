"""Turn SourceDocs into Episodes, Articles, Drills and Pages (pure: media facts are passed in)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from .body import Body
from .config import SiteConfig
from .convert import did_you_mean
from .editorial import editorial_problems
from .frontmatter import Key
from .manifest import MANIFEST_PATH, ManifestEntry
from .markdown_html import render_markdown
from .media import AudioInfo, MediaError, TranscriptInfo
from .models import Article, Drill, Episode, Media, Page, Program, Transcript, format_clock
from .problems import Problem
from .schema import ARTICLE, DRILL, EPISODE, PAGE, PROGRAM, Field, parse_fields
from .sources import SourceDoc

_TRANSCRIPT_MIME = {".vtt": "text/vtt", ".srt": "application/x-subrip"}


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """What was measured on disk before parsing: audio probes and transcript cues."""

    audio: dict[Path, AudioInfo | MediaError] = field(default_factory=dict)
    art: dict[Path, tuple[tuple[str, ...], int]] = field(default_factory=dict)  # problems, size
    transcripts: dict[Path, TranscriptInfo | MediaError] = field(default_factory=dict)
    published: dict[str, ManifestEntry] = field(default_factory=dict)  # audio name -> its content/media.json entry


Parsed = Episode | Article | Drill | Page


def parse_doc(doc: SourceDoc, config: SiteConfig, facts: MediaFacts) -> tuple[Parsed | None, list[Problem]]:
    parser = {"episodes": parse_episode, "articles": parse_article, "drills": parse_drill, "pages": parse_page}[doc.section]
    item, problems = parser(doc, config, facts)
    if item is None or item.draft:  # a draft meets the editorial rules when it is published, not while written
        return item, problems
    # The item stays, so that what links to it is not reported too; its problems still fail the build.
    return item, editorial_problems(doc, item.body_html, item.episode_type if isinstance(item, Episode) else None,
                                    config.editorial)


def _fields(doc: SourceDoc, schema: tuple[Field, ...], config: SiteConfig) -> tuple[dict[str, Any], list[Problem]]:
    values, found = parse_fields(doc.data, schema, config.context)
    return values, [Problem(doc.rel, doc.line(fp.key) if fp.key else 1, fp.message) for fp in found]


def render_body(doc: SourceDoc, config: SiteConfig, problems: list[Problem]) -> str:
    """The file's Markdown as the item's HTML; what is wrong with it goes into `problems`."""
    rendered = render_markdown(doc.body, config.base_path)
    problems.extend(Problem(doc.rel, doc.body_line + line - 1, issue) for line, issue in rendered.issues)
    return rendered.html


def parse_episode(doc: SourceDoc, config: SiteConfig, facts: MediaFacts) -> tuple[Episode | None, list[Problem]]:
    v, problems = _fields(doc, EPISODE, config)
    body_html = render_body(doc, config, problems)
    audio = _audio(doc, v, facts, problems) if v.get("audio") else None
    transcript = _transcript(doc, v["transcript"], facts, problems) if v.get("transcript") else None
    image = _image(doc, v["image"], facts, problems) if v.get("image") else None
    if audio:
        problems += _past_the_end(doc, v, audio)
    if problems:
        return None, problems
    return Episode(
        source=doc.rel, slug=doc.slug, number=v["number"], season=v["season"], title=v["title"], published=v["date"],
        guid=v["guid"], summary=v["summary"], body=Body(body_html), audio=audio,  # type: ignore[arg-type]
        explicit=config.podcast.explicit if v["explicit"] is None else v["explicit"], episode_type=v["episode_type"],
        tags=v["tags"], chapters=v["chapters"], transcript=transcript, image=image, references=v["references"],
        draft=v["draft"], soundbites=v["soundbites"], persons=v["persons"], location=v["location"],
        synthetic_voice=v["synthetic_voice"],
    ), []


def _past_the_end(doc: SourceDoc, v: dict[str, Any], audio: Media) -> list[Problem]:
    """Chapters and soundbites must start, and soundbites end, within the audio."""
    found = []
    if v.get("chapters"):
        last = v["chapters"][-1]
        if last.start >= audio.duration:
            found.append(Problem(doc.rel, doc.line(("chapters", len(v["chapters"]) - 1)),
                                 f"chapters: {last.title!r} starts at {last.clock}, after the audio ends ({format_clock(audio.duration)}); fix its start or the audio"))
    for i, bite in enumerate(v.get("soundbites") or ()):
        if bite.start + bite.duration > audio.duration:
            found.append(Problem(doc.rel, doc.line(("soundbites", i)),
                                 f"soundbites: soundbite {i + 1} ends at {format_clock(bite.start + bite.duration)}, after the audio ends "
                                 f"({format_clock(audio.duration)}); start it earlier or shorten it"))
    return found


def _audio(doc: SourceDoc, v: dict[str, Any], facts: MediaFacts, problems: list[Problem]) -> Media | None:
    ref: str = v["audio"]
    line = doc.line(("audio",))
    entry = facts.published.get(ref)
    if entry is not None:
        for key in ("length", "duration"):
            if v.get(key) is not None:
                problems.append(Problem(doc.rel, doc.line((key,)), f"{key}: {MANIFEST_PATH} measured this audio; remove {key}"))
        return Media(entry.url, None, entry.length, entry.mime, timedelta(seconds=entry.seconds))
    if "://" in ref:
        missing = [k for k in ("length", "duration") if v.get(k) is None]
        if missing:
            problems.append(Problem(doc.rel, line, f"audio: remote audio needs {' and '.join(missing)}, and it has no entry in "
                                    f"{MANIFEST_PATH} (the build has no network to measure it); run "
                                    f"`python build.py media import {ref} --episode {doc.rel}`"))
            return None
        suffix = PurePosixPath(ref.split("?")[0]).suffix.lower()
        mime = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".ogg": "audio/ogg", ".opus": "audio/ogg"}.get(suffix)
        if mime is None:
            problems.append(Problem(doc.rel, line, f"audio: cannot tell the format of {ref}; link an .mp3 or .m4a file"))
            return None
        return Media(ref, None, v["length"], mime, v["duration"])
    for key in ("length", "duration"):
        if v.get(key) is not None:
            problems.append(Problem(doc.rel, doc.line((key,)), f"{key}: only for remote audio; the local file is measured, so remove it"))
    path = doc.path.parent / ref
    info = facts.audio.get(path)
    if info is None:
        info = MediaError(f"{ref} does not exist next to {doc.path.name}; add the file or fix the name")
    if isinstance(info, MediaError):
        problems.append(Problem(doc.rel, line, f"audio: {info}"))
        return None
    return Media(f"episodes/{doc.slug}/{path.name}", _in_project(doc, path), info.length, info.mime, info.duration)


def _transcript(doc: SourceDoc, ref: str, facts: MediaFacts, problems: list[Problem]) -> Transcript | None:
    path = doc.path.parent / ref
    line = doc.line(("transcript",))
    mime = _TRANSCRIPT_MIME.get(path.suffix.lower())
    if mime is None:
        problems.append(Problem(doc.rel, line, f"transcript: {ref} must be a .vtt (WebVTT) or .srt (SubRip) file"))
        return None
    info = facts.transcripts.get(path) or MediaError(f"{ref} does not exist next to {doc.path.name}; add it or remove the transcript key")
    if isinstance(info, MediaError):
        problems.append(Problem(doc.rel, line, f"transcript: {info}"))
        return None
    return Transcript(Media(f"episodes/{doc.slug}/{path.name}", _in_project(doc, path), info.length, mime, timedelta(0)), info.cues)


def _image(doc: SourceDoc, ref: str, facts: MediaFacts, problems: list[Problem]) -> Media | None:
    path = doc.path.parent / ref
    found, size = facts.art.get(path, (("does not exist; add it beside the Markdown file",), 0))
    if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        found = ("must be a .jpg or .png file (Apple's rule)",) + found
    for message in found:
        problems.append(Problem(doc.rel, doc.line(("image",)), f"image: {ref} {message}"))
    if found:
        return None
    return Media(f"episodes/{doc.slug}/{path.name}", _in_project(doc, path), size, "image/png" if path.suffix.lower() == ".png" else "image/jpeg",
                 timedelta(0))


def _in_project(doc: SourceDoc, path: Path) -> Path:
    """A media file's path relative to the project, as the cache keeps it: a moved project keeps its cache."""
    return Path(doc.rel).parent / path.relative_to(doc.path.parent)


def parse_article(doc: SourceDoc, config: SiteConfig, facts: MediaFacts) -> tuple[Article | None, list[Problem]]:
    v, problems = _fields(doc, ARTICLE, config)
    body_html = render_body(doc, config, problems)
    if not problems and v["updated"] is not None and v["updated"] < v["date"]:
        problems.append(Problem(doc.rel, doc.line(("updated",)), "updated: earlier than date; it should be the date of a later revision"))
    if problems:
        return None, problems
    return Article(
        source=doc.rel, slug=doc.slug, title=v["title"], published=v["date"], updated=v["updated"] or v["date"],
        summary=v["summary"], author=v["author"] or config.author, body=Body(body_html), tags=v["tags"],
        references=v["references"], draft=v["draft"],
    ), []


def parse_drill(doc: SourceDoc, config: SiteConfig, facts: MediaFacts) -> tuple[Drill | None, list[Problem]]:
    v, problems = _fields(doc, DRILL, config)
    body_html = render_body(doc, config, problems)
    if problems:
        return None, problems
    return Drill(
        source=doc.rel, slug=doc.slug, title=v["title"], summary=v["summary"], level=v["level"], where=v["where"],
        dose=v["dose"], cues=v["cues"], safety=v["safety"], progression=v["progression"], stop_if=v["stop_if"],
        equipment=v["equipment"], related=v["related"], order=v["order"], body=Body(body_html), draft=v["draft"],
    ), []


def parse_page(doc: SourceDoc, config: SiteConfig, facts: MediaFacts) -> tuple[Page | None, list[Problem]]:
    v, problems = _fields(doc, PAGE, config)
    body_html = render_body(doc, config, problems)
    if problems:
        return None, problems
    return Page(doc.rel, doc.slug, v["title"], v["summary"], Body(body_html), v["draft"]), []


def parse_program(data: Any, lines: dict[Key, int], rel_path: str, config: SiteConfig,
                  drill_slugs: frozenset[str]) -> tuple[Program | None, list[Problem]]:
    """The multi-week plan in content/drills/_program.yaml (schema.PROGRAM)."""
    def line(key: Key) -> int:
        return next((lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in lines), 1)

    if not isinstance(data, dict):
        return None, [Problem(rel_path, 1, "expected title, summary, updated and weeks")]
    v, found = parse_fields(data, PROGRAM, config.context)
    problems = [Problem(rel_path, line(fp.key), fp.message) for fp in found]
    for i, week in enumerate(v.get("weeks") or ()):
        if week.number != i + 1:
            problems.append(Problem(rel_path, line(("weeks", i, "week")), f"week: expected {i + 1} (weeks are numbered in order)"))
        for j, session in enumerate(week.sessions):
            if session.drill not in drill_slugs:
                hint = did_you_mean(session.drill, sorted(drill_slugs)) or "; drills are files in content/drills/"
                problems.append(Problem(rel_path, line(("weeks", i, "sessions", j, "drill")), f"drill: no published drill {session.drill!r}{hint}"))
    if problems:
        return None, problems
    return Program(v["title"], v["summary"], v["updated"], v["weeks"]), []
