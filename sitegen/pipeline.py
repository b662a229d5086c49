"""The whole build, top to bottom: read, parse, assemble, plan, render, write.

Incremental: unchanged content files are not parsed again, unchanged pages and feeds are
not rendered again, unchanged output files are not rewritten, and when no input changed at
all the build stops after comparing file signatures. Output is the same as a cold build.
"""
from __future__ import annotations

import gc
import time
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Callable, Mapping

from .art import read_show_art
from .assemble import PROGRAM_PATH, assemble_site
from .assets import read_link_problems, read_static
from .budget import budget_warnings, published_sizes, storage_warnings
from .cache import CacheError, DocCache, Entry, Index, close_body_reader, forget_index, read_doc_cache, write_cache, write_docs
from .config import SiteConfig, config_line
from .fingerprint import StatSig, racy, stat_sig
from .freshness import Inputs, config_key, input_signature, is_current, read_inputs
from .frontmatter import LoadedYaml
from .load import DOC_CODEC, Loaded, SourceFile, body_from_source, list_sources, load_items
from .manifest import read_manifest
from .models import Drill, Page, Site
from .options import BuildOptions, BuildResult, unchanged_result
from .outputdir import check_output_folder
from .outputs import LastPlan, plan_archives, plan_keys, plan_outputs
from .pieces import Pieces, Written
from .preview import changed_sources, write_first_pages
from .problems import Problem
from .schedule import LARGE_ARCHIVE, NoWriter, ahead_of_plan, make_outputs, stale_outputs
from .sources import read_source, read_yaml
from .write import Staging, WriteStats



@dataclass(frozen=True, slots=True)
class Outputs:
    digests: dict[str, str]  # output path -> what it was made of
    pages: int
    stats: WriteStats
    copies: dict[str, Path]  # output path -> the file published as it is
    kept: dict[str, Entry]  # outputs found current on disk (same key, same size and mtime), carried over untouched
    shape: str  # of the site (see Digests.shape), recorded with the keys


Progress = Callable[[str], None]
SPILL_FROM = 1000  # documents parsed, from which their bodies wait in the cache file while outputs are made


def _quiet(_: str) -> None:
    pass


def build(opts: BuildOptions, progress: Progress = _quiet, inputs: Inputs | None = None, docs: DocCache | None = None,
          written: Callable[[tuple[str, ...] | None], None] = lambda changed: None,
          first: Callable[[tuple[str, ...]], None] | None = None) -> BuildResult:
    """`inputs`: what the caller already read with read_inputs() (and found not current).
    `docs`: the parsed documents as the last build in this process left them (its result's
    `docs`), so a warm process (serve) does not decode thousands of them from the cache again.
    `written` runs as soon as the new output is in place, before the build record is written,
    with the files that changed (None: possibly all); serve reloads open pages then.
    `first` (serve only): the edited files' own pages are put in place before everything
    else, then `first` runs with their names (see preview.py)."""
    started = time.perf_counter()
    if inputs is None:
        inputs = read_inputs(opts)
        if is_current(inputs, opts):
            progress("no input changed since the last build")
            return unchanged_result(inputs.index.outputs, time.perf_counter() - started, inputs.out_dir)
    check_output_folder(inputs.out_dir, opts.root, inputs.cache_dir, "--out" if opts.out else "site.toml",
                        inputs.index.outputs if inputs.index.out_dir == inputs.out_key else ())
    cached = docs if docs is not None and opts.cache else _read_docs(opts, inputs)
    site, loaded, kept = read_site(opts, inputs, cached, progress)
    reparsed = changed_sources(loaded, cached)
    if opts.cache and len(reparsed) >= SPILL_FROM:
        _write_docs_now(inputs, kept)
    # What was read lives until the build ends: out of sight of the collectors that do run (in
    # workers, and in serve), whose full passes over a large archive's documents
    # (hundreds of thousands of objects, none garbage) would cost a second at 20,000 posts.
    gc.freeze()
    if first is not None and _patches(inputs):
        if shown := write_first_pages(site, opts.root, inputs.out_dir, reparsed):
            first(shown)
    try:
        outputs, changed = write_outputs(opts, inputs, site, loaded, progress)
    finally:
        close_body_reader()  # bodies are read while outputs are made, never after
    written(changed)
    warnings, whole = write_build_record(opts, inputs, loaded, kept, outputs) if opts.cache else ((), False)
    parsed = len(reparsed)
    # What the cache file now holds, for the next build in this process (none unless it holds them
    # all: documents decoded from it load their bodies from it)
    held = replace(kept, read={rel: (d, kept.stats.get(rel)) for rel, d in kept.docs.items()}, written={}) if whole else None
    return BuildResult(site, outputs.pages, outputs.stats, time.perf_counter() - started, inputs.out_dir, warnings, parsed, held)


def _read_docs(opts: BuildOptions, inputs: Inputs) -> DocCache:
    if not opts.cache:
        return DocCache()
    return read_doc_cache(inputs.cache_dir, DOC_CODEC, partial(body_from_source, inputs.config))


def _write_docs_now(inputs: Inputs, docs: DocCache) -> None:
    """Many documents parsed: into the cache before the outputs are made, their bodies let go."""
    try:
        write_docs(inputs.cache_dir, docs, DOC_CODEC, partial(body_from_source, inputs.config))
    except CacheError:
        pass  # they stay in memory; the build record reports a cache that cannot be written


def read_site(opts: BuildOptions, inputs: Inputs, docs: DocCache, progress: Progress) -> tuple[Site, list[Loaded], DocCache]:
    """Every content file read, parsed (reusing what the cache holds) and assembled into a valid
    Site; and what the cache should hold next."""
    files, stray = list_sources(opts.root)
    progress(f"reading {len(files)} content files")
    # A build that must make the PDFs loads their engine while workers parse, not once per PDF
    # worker; not for a large archive, where every worker would inherit its 25 MB.
    cold_pdf = opts.pdf and len(files) < LARGE_ARCHIVE and not any(n.endswith(".pdf") for n in inputs.index.outputs)
    seen = {rel: (size, mtime) for rel, size, mtime in inputs.sigs}  # content files are stat'ed once per build
    return load_site(opts, inputs.config, inputs.now, inputs.now_ns, files, stray, docs,
                     meanwhile=_import_pdf_engine if cold_pdf else lambda: None, seen=seen)


def _patches(inputs: Inputs) -> bool:
    """The last output is this cache's: patch it in place rather than write a whole new tree."""
    return bool(inputs.index.outputs) and inputs.index.out_dir == inputs.out_key and inputs.out_dir.is_dir()


def write_outputs(opts: BuildOptions, inputs: Inputs, site: Site, loaded: list[Loaded],
                  progress: Progress) -> tuple[Outputs, tuple[str, ...] | None]:
    """Make what changed into a staging area and put it in place; on any error the last output
    stays as it was. Returns the outputs and the files that changed (None: a whole new tree)."""
    index = inputs.index
    staging = Staging(inputs.out_dir, patch=_patches(inputs))
    try:
        outputs = build_outputs(site, opts.root, loaded, previous=index, staging=staging, pdf=opts.pdf, progress=progress,
                                last_output=opts.root / index.out_dir if index.out_dir else None,
                                cache_dir=inputs.cache_dir if opts.cache else None)
        if staging.patch:
            forget_index(inputs.cache_dir)  # a patch stopped midway must not look like a finished build
        changed = staging.commit(outputs.digests, index.outputs)
    except BaseException:
        staging.discard()
        raise
    return outputs, changed


def write_build_record(opts: BuildOptions, inputs: Inputs, loaded: list[Loaded], docs: DocCache,
                       outputs: Outputs) -> tuple[tuple[str, ...], bool]:
    """What this build read and wrote, for the next one. Returns warnings when it cannot be kept,
    and whether the cache holds every document of `docs` (not when it had to start afresh)."""
    recorded = dict(outputs.kept)  # untouched since they were compared: their stat is known
    recorded.update((name, (d, *stat_sig(f"{inputs.out_dir}/{name}")[1:])) for name, d in outputs.digests.items() if name not in recorded)
    dates = _dates(loaded, docs, inputs.index.dates)
    recent = sorted(inputs.recent)
    signature = input_signature(inputs.sigs + [inputs.hashed[p] for p in recent], opts, inputs.out_key, dates, inputs.now)
    try:
        whole = write_cache(inputs.cache_dir, Index(signature, inputs.out_key, recorded, dates, tuple(recent), outputs.shape), docs, DOC_CODEC,
                            inputs.index)
    except CacheError as exc:
        return (f"the build cache could not be written ({exc}); the output is complete, the next build will be slower",), False
    return (), whole


def _dates(loaded: list[Loaded], docs: DocCache, last: dict[str, tuple[str, float, bool]]) -> dict[str, tuple[str, float, bool]]:
    """Each item's (digest, publication time, draft): as the last build recorded them for the
    documents it left in the cache and this build took from there unchanged (written with them)."""
    dates = {}
    for e in loaded:
        if e.item is None:
            continue
        read, old = docs.read.get(e.rel), last.get(e.rel)
        if read is not None and read[0] is e and old is not None and old[0] == e.digest:
            dates[e.rel] = old
        else:
            dates[e.rel] = (e.digest, e.item.published.timestamp() if not isinstance(e.item, (Drill, Page)) else 0.0, e.item.draft)
    return dates


def check(opts: BuildOptions) -> BuildResult:
    """Everything a build does except the PDF and the write; the cache is read, never written.
    Pages and feeds whose inputs equal those of the last build's (which rendered them without
    error) are not rendered again: the same steps as a build, with a writer that keeps nothing."""
    started = time.perf_counter()
    opts = replace(opts, pdf=False)
    inputs = read_inputs(opts)
    site, loaded, _ = read_site(opts, inputs, _read_docs(opts, inputs), _quiet)
    index = inputs.index
    try:
        outputs = build_outputs(site, opts.root, loaded, previous=index, staging=None, pdf=False,
                                cache_dir=inputs.cache_dir if opts.cache else None,
                                last_output=opts.root / index.out_dir if index.out_dir else None)
    finally:
        close_body_reader()
    warnings = storage_warnings(site) + budget_warnings(published_sizes(outputs.copies, outputs.digests, index.outputs))
    return BuildResult(site, outputs.pages, WriteStats(0, 0, 0), time.perf_counter() - started, inputs.config.output,
                       tuple(warnings))


def load_site(opts: BuildOptions, config: SiteConfig, now: datetime, now_ns: int, files: list[SourceFile], stray: list[Problem],
              docs: DocCache, meanwhile: Callable[[], None] = lambda: None,
              seen: Mapping[str, tuple[int, int]] | None = None) -> tuple[Site, list[Loaded], DocCache]:
    """Read and validate everything; raise BuildError listing every problem. `seen`: the (size,
    mtime) of content files as the build first saw them."""
    root = opts.root
    key = config_key(config)
    if docs.config != key:  # parsed with another configuration or engine: nothing to reuse
        docs = replace(docs, config=key, docs={}, art=None)
    problems = list(stray) + read_link_problems(root)  # static/ and templates/: content/ is in stray
    for f in files:
        if f.slug is None:
            pattern = "NNN-slug.md, e.g. 004-hill-repeats.md" if f.section == "episodes" else "slug.md in lowercase letters, digits and hyphens"
            problems.append(Problem(f.rel, 0, f"file name {f.path.name!r} does not fit; name it {pattern}"))
    good = [f for f in files if f.slug is not None]
    manifest, found = read_manifest(root)  # content/media.json: audio published outside the repository
    problems += found
    loaded, docs = load_items(good, config, docs, now_ns, meanwhile, manifest, seen)
    art_problems, art = _show_art(root, config, docs.art, now_ns)
    known = frozenset(f"{f.section}/{f.slug}" for f in good)
    site = assemble_site(config, loaded, read_program(root), now, line_of=_line_finder(root, good), drafts=opts.drafts,
                         future=opts.future, earlier=problems + art_problems, known=known)
    return site, loaded, replace(docs, art=art)


def _show_art(root: Path, config: SiteConfig, good: StatSig | None, now_ns: int) -> tuple[list[Problem], StatSig | None]:
    """The show art's problems, and its signature when it is good; Pillow opens it only when it
    changed since a build found it good (`good`)."""
    sig = (config.podcast.image, *stat_sig(root / config.podcast.image)[1:])
    if good is not None and good == sig:
        return [], good
    found = read_show_art(root, config.podcast.image, config_line(root, "podcast", "image"))
    return found, (sig if not found and not racy(sig[2], now_ns) else None)


def read_program(root: Path) -> LoadedYaml | None:
    path = root / PROGRAM_PATH
    if not path.is_file():
        return None
    return read_yaml(path, PROGRAM_PATH)


def _line_finder(root: Path, files: list) -> Callable[[str, tuple], int]:
    by_rel = {f.rel: f for f in files}

    def line_of(rel: str, key: tuple) -> int:
        f = by_rel.get(rel)
        if f is None:
            return 0
        doc = read_source(f.path, f.rel, f.section)
        return doc.line(key) if not isinstance(doc, list) else 0

    return line_of


def build_outputs(site: Site, root: Path, loaded: list[Loaded], *, previous: Index,
                  staging: Staging | None, pdf: bool = True, progress: Progress = _quiet,
                  cache_dir: Path | None = None, last_output: Path | None = None) -> Outputs:
    """Plan every output, make the stale ones into `staging` (None: a check, which keeps nothing),
    carry over the rest. `previous`: what the last build recorded."""
    progress("planning the output")
    copies, fingerprints = read_static(root / "static")
    last = LastPlan(previous.shape, previous.outputs, {rel: d[0] for rel, d in previous.dates.items()})

    def pieces_of(name: str, key: str) -> Pieces:  # a check reads them, a build keeps them up to date too
        old = previous.outputs.get(name)
        last = Written(last_output / name, *old) if old is not None and last_output is not None else None
        return Pieces(cache_dir, name, key, last, writable=staging is not None)

    keys = plan_keys(site, root, loaded, fingerprints)
    archives = plan_archives(site, keys, pieces_of)
    writer = staging or NoWriter()
    out_dir = staging.out_dir if staging else None
    # Worth it when the archives are spliced from the last output in place, and few pages change:
    # a whole new tree renders every page on every core, and one more process would only add memory.
    worth_it = staging is not None and staging.patch and len(site.episodes) + len(site.articles) >= LARGE_ARCHIVE
    with ahead_of_plan(archives, previous.outputs, out_dir, writer, worth_it) as ahead:
        plan = plan_outputs(site, root, keys, archives, copies, pdf, last)
        stale = stale_outputs(plan, previous.outputs, out_dir, ahead)
        counts = make_outputs(site, root, plan, stale, writer, progress, cache_dir if staging is not None else None, ahead)
    made = {o.path: o.key for o in plan.outputs}
    stats = WriteStats(len(made), sum(w for w, _ in counts), sum(k for _, k in counts))
    return Outputs(made, len(plan.pages), stats, plan.copies, {name: previous.outputs[name] for name in stale.keep}, plan.shape)


def _import_pdf_engine() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        pass  # no Pango: the PDF job reports it with the fix


__all__ = ["BuildOptions", "BuildResult", "build", "check", "load_site", "build_outputs"]
