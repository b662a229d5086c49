"""The whole build, top to bottom: read, parse, assemble, plan, render, write."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .art import read_show_art
from .assemble import PROGRAM_PATH, assemble_site
from .assets import read_static
from .config import config_line, read_config, PAPERS
from .feeds import build_atom_feed, build_chapters_json, build_podcast_feed, build_robots, build_search_index, build_sitemap
from .frontmatter import LoadedYaml, parse_yaml
from .guide import PAPER_LABELS, build_guide_pdf, pdf_file_name, qr_svg
from .media import AUDIO_SUFFIXES, read_audio_infos, read_transcript, MediaError
from .models import Site
from .parse import MediaFacts
from .plan import check_unique_outputs, plan_pages
from .render import render_pages
from .schema import slugify
from .seo import structured_data
from .sources import SourceDoc, read_sources
from .urls import Urls
from .write import WriteStats, write_site


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    out: Path | None = None
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # injected clock; decides only what is published, never printed
    pdf: bool = True


@dataclass(frozen=True, slots=True)
class Outputs:
    files: dict[str, bytes]  # generated
    copies: dict[str, Path]  # published as they are
    pages: int


@dataclass(frozen=True, slots=True)
class BuildResult:
    site: Site
    outputs: Outputs
    stats: WriteStats | None
    seconds: float
    out_dir: Path


Progress = Callable[[str], None]


def load_site(opts: BuildOptions) -> Site:
    """Read and validate everything; raise BuildError listing every problem."""
    root = opts.root
    config = read_config(root / "site.toml")
    if opts.base_url:
        config = config.with_base_url(opts.base_url)
    docs, problems, known = read_sources(root)
    facts = read_media_facts(docs, root / ".cache" / "media.json")
    problems += read_show_art(root, config.podcast.image, config_line(root, "podcast", "image"))
    now = opts.now or datetime.now(timezone.utc)
    return assemble_site(config, docs, facts, read_program(root), now, drafts=opts.drafts, future=opts.future,
                         earlier=problems, known=known)


def read_media_facts(docs: list[SourceDoc], cache_file: Path | None) -> MediaFacts:
    """Measure the local audio and transcripts that episodes name (before parsing needs them)."""
    audio_paths, transcripts = [], {}
    for doc in docs:
        if doc.section != "episodes":
            continue
        ref = doc.data.get("audio")
        if isinstance(ref, str) and "://" not in ref and ".." not in ref:
            audio_paths.append(doc.path.parent / ref)
        ref = doc.data.get("transcript")
        if isinstance(ref, str) and ".." not in ref:
            path = doc.path.parent / ref
            try:
                transcripts[path] = read_transcript(path)
            except MediaError as exc:
                transcripts[path] = exc
    return MediaFacts(read_audio_infos(sorted(set(audio_paths)), cache_file), transcripts)


def read_program(root: Path) -> LoadedYaml | None:
    path = root / PROGRAM_PATH
    if not path.is_file():
        return None
    return parse_yaml(path.read_text(encoding="utf-8"), first_line=1)


def build_outputs(site: Site, root: Path, *, pdf: bool = True, progress: Progress = lambda _: None) -> Outputs:
    copies, fingerprints = read_static(root / "static")
    urls = Urls(site.config.url, fingerprints)
    pages = plan_pages(site)
    c = site.config
    template_globals = {
        "structured_data": lambda page: structured_data(page, site, urls),
        "qr_svg": qr_svg,
        "pdf_name": lambda paper: pdf_file_name(c.guide.pdf_name, paper),
        "paper_label": PAPER_LABELS.__getitem__,
        "slugify": slugify,
        "drills_by_slug": {d.slug: d for d in site.drills},
    }
    progress(f"rendering {len(pages)} pages")
    files = render_pages(site, pages, urls, root / "templates", template_globals)
    files[c.podcast.feed] = build_podcast_feed(site, urls)
    files["atom.xml"] = build_atom_feed(site, urls)
    files["sitemap.xml"] = build_sitemap(site, pages, urls)
    files["robots.txt"] = build_robots(urls)
    files["search.json"] = build_search_index(site, urls)
    for ep in site.episodes:
        if ep.chapters:
            files[f"episodes/{ep.slug}/chapters.json"] = build_chapters_json(ep, site, urls)
        for media in (ep.audio, ep.transcript.file if ep.transcript else None):
            if media is not None and media.source is not None:
                copies[media.href] = media.source
    if pdf:
        html = files["guide/index.html"].decode("utf-8")
        for paper in c.guide.papers:
            progress(f"rendering the {PAPER_LABELS[paper]} PDF guide")
            files[f"guide/{pdf_file_name(c.guide.pdf_name, paper)}"] = build_guide_pdf(html, paper, urls, files, copies, int(site.modified.timestamp()))
    claims = [(name, "generated") for name in files] + [(name, str(src)) for name, src in copies.items()]
    check_unique_outputs(claims)
    return Outputs(files, copies, len(pages))


def build(opts: BuildOptions, progress: Progress = lambda _: None) -> BuildResult:
    started = time.perf_counter()
    site = load_site(opts)
    outputs = build_outputs(site, opts.root, pdf=opts.pdf, progress=progress)
    out_dir = opts.out or site.config.output
    stats = write_site(outputs.files, outputs.copies, out_dir)
    return BuildResult(site, outputs, stats, time.perf_counter() - started, out_dir)


def check(opts: BuildOptions) -> BuildResult:
    """Everything a build does except the PDF and the write."""
    started = time.perf_counter()
    site = load_site(opts)
    outputs = build_outputs(site, opts.root, pdf=False)
    return BuildResult(site, outputs, None, time.perf_counter() - started, opts.out or site.config.output)


__all__ = ["BuildOptions", "BuildResult", "build", "check", "load_site", "build_outputs", "PAPERS"]
