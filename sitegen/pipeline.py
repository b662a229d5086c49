"""The whole build, top to bottom: read, parse, assemble, plan, render, write.

Incremental: unchanged content files are not parsed again, unchanged pages and feeds are
not rendered again, unchanged output files are not rewritten, and when no input changed at
all the build stops after comparing file signatures. Output is the same as a cold build.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from . import ENGINE_VERSION
from .art import read_show_art
from .assemble import PROGRAM_PATH, assemble_site
from .assets import read_link_problems, read_static
from .cache import CacheError, DocCache, Index, digest, forget_index, racy, read_doc_cache, read_index, stat_sig, write_cache
from .config import SiteConfig, config_line
from .digests import Digests, tree_digest
from .freshness import Inputs, engine_signature, input_signature, is_current, read_inputs, read_options_config
from .frontmatter import LoadedYaml
from .load import DOC_CODEC, Loaded, list_sources, load_items
from .models import Site
from .options import BuildOptions, BuildResult, unchanged_result
from .pieces import Pieces, Written
from .plan import check_unique_outputs, plan_pages
from .problems import Problem
from .sources import read_source, read_yaml
from .urls import Urls
from .write import Staging, WriteStats, check_output_folder

LARGE_ARCHIVE = 2000  # posts from which the feed and search index take tens of MB to build


@dataclass(frozen=True, slots=True)
class Outputs:
    copies: dict[str, Path]  # published as they are
    digests: dict[str, str]  # output path -> what it was made of
    pages: int
    stats: WriteStats


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def build(opts: BuildOptions, progress: Progress = _quiet, inputs: Inputs | None = None) -> BuildResult:
    """`inputs`: what the caller already read with read_inputs() (and found not current)."""
    started = time.perf_counter()
    if inputs is None:
        inputs = read_inputs(opts)
        if is_current(inputs, opts):
            progress("no input changed since the last build")
            return unchanged_result(inputs.index.outputs, time.perf_counter() - started, inputs.out_dir)
    root, config, out_dir, now, now_ns, cache_dir, index = (opts.root, inputs.config, inputs.out_dir, inputs.now, inputs.now_ns,
                                                            inputs.cache_dir, inputs.index)
    sigs, recent, hashed = inputs.sigs, inputs.recent, inputs.hashed
    check_output_folder(out_dir, root, cache_dir, "--out" if opts.out else "site.toml",  # never replace what no build made
                        index.outputs if index.out_dir == str(out_dir) else ())
    files, stray = list_sources(root)
    docs = read_doc_cache(cache_dir, DOC_CODEC) if opts.cache else DocCache()
    progress(f"reading {len(files)} content files")
    # A build that must make the PDFs loads their engine while workers parse, not once per PDF
    # worker; not for a large archive, where every worker would inherit its 25 MB.
    cold_pdf = opts.pdf and len(files) < LARGE_ARCHIVE and not any(n.endswith(".pdf") for n in index.outputs)
    site, loaded = load_site(opts, config, now, now_ns, files, stray, docs, meanwhile=_import_pdf_engine if cold_pdf else lambda: None)
    # Patch the last output in place when this cache knows it; otherwise write a whole new tree.
    staging = Staging(out_dir, patch=bool(index.outputs) and index.out_dir == str(out_dir))
    try:
        outputs = build_outputs(site, root, loaded, previous=index.outputs, staging=staging, pdf=opts.pdf, progress=progress,
                                last_output=Path(index.out_dir) if index.out_dir else None,
                                cache_dir=cache_dir if opts.cache else None)
        if staging.patch:
            forget_index(cache_dir)  # a patch stopped midway must not look like a finished build
        staging.commit(outputs.digests, index.outputs)
    except BaseException:
        staging.discard()
        raise
    stats = outputs.stats
    warnings: tuple[str, ...] = ()
    if opts.cache:
        recorded = {}
        for name, d in outputs.digests.items():
            _, size, mtime = stat_sig(f"{out_dir}/{name}")
            recorded[name] = (d, size, mtime)
        dates = {e.rel: (e.content, e.item.published.timestamp() if hasattr(e.item, "published") else 0.0,
                         bool(getattr(e.item, "draft", False))) for e in loaded if e.item is not None}
        signature = input_signature(sigs + [hashed[p] for p in sorted(recent)], opts, out_dir, dates, now)
        try:
            write_cache(cache_dir, Index(signature, str(out_dir), recorded, dates, tuple(sorted(recent))), docs, DOC_CODEC)
        except CacheError as exc:
            warnings = (f"the build cache could not be written ({exc}); the output is complete, the next build will be slower",)
    return BuildResult(site, outputs.pages, stats, time.perf_counter() - started, out_dir, warnings)


def check(opts: BuildOptions) -> BuildResult:
    """Everything a build does except the PDF and the write; the cache is read, never written.
    Pages and feeds whose inputs equal those of the last build's (which rendered them without
    error) are not rendered again."""
    started = time.perf_counter()
    now_ns = time.time_ns()
    config = read_options_config(opts)
    files, stray = list_sources(opts.root)
    cache_dir = opts.cache_dir or opts.root / ".cache"
    docs = read_doc_cache(cache_dir, DOC_CODEC) if opts.cache else DocCache()
    index = read_index(cache_dir) if opts.cache else Index()
    site, loaded = load_site(opts, config, opts.now or datetime.now(timezone.utc), now_ns, files, stray, docs)
    outputs = build_outputs(site, opts.root, loaded, previous=index.outputs, staging=None, pdf=False,
                            cache_dir=cache_dir if opts.cache else None, last_output=Path(index.out_dir) if index.out_dir else None)
    return BuildResult(site, outputs.pages, WriteStats(0, 0, 0), time.perf_counter() - started, config.output)


def load_site(opts: BuildOptions, config: SiteConfig, now: datetime, now_ns: int, files: list, stray: list[Problem],
              docs: DocCache, meanwhile: Callable[[], None] = lambda: None) -> tuple[Site, list[Loaded]]:
    """Read and validate everything; raise BuildError listing every problem."""
    root = opts.root
    key = digest(ENGINE_VERSION, engine_signature(), config)
    if docs.config != key:
        docs.config, docs.docs, docs.art = key, {}, None
    problems = list(stray) + read_link_problems(root)  # static/ and templates/: content/ is in stray
    for f in files:
        if f.slug is None:
            pattern = "NNN-slug.md, e.g. 004-hill-repeats.md" if f.section == "episodes" else "slug.md in lowercase letters, digits and hyphens"
            problems.append(Problem(f.rel, 0, f"file name {f.path.name!r} does not fit; name it {pattern}"))
    good = [f for f in files if f.slug is not None]
    loaded = load_items(good, config, docs, now_ns, meanwhile)
    problems += _show_art(root, config, docs, now_ns)
    known = frozenset(f"{f.section}/{f.slug}" for f in good)
    site = assemble_site(config, loaded, read_program(root), now, line_of=_line_finder(root, good), drafts=opts.drafts,
                         future=opts.future, earlier=problems, known=known)
    return site, loaded


def _show_art(root: Path, config: SiteConfig, docs: DocCache, now_ns: int) -> list[Problem]:
    """The show art's problems; Pillow opens it only when it changed since a build found it good."""
    sig = stat_sig(root / config.podcast.image)
    if docs.art is not None and docs.art == sig:
        return []
    found = read_show_art(root, config.podcast.image, config_line(root, "podcast", "image"))
    docs.art = sig if not found and not racy(sig[2], now_ns) else None
    return found


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


def build_outputs(site: Site, root: Path, loaded: list[Loaded], *, previous: dict[str, tuple[str, int, int]],
                  staging: Staging | None, pdf: bool = True, progress: Progress = _quiet,
                  cache_dir: Path | None = None, last_output: Path | None = None) -> Outputs:
    """Render what changed into `staging` (None: render to check, keep nothing); carry over what
    did not change, checked against the previous output on disk (`previous`, in `last_output`)."""
    from .render import compile_templates, make_environment, render_pages
    from .feeds import build_atom_feed, build_chapters_json, build_podcast_feed, build_robots, build_search_index, build_sitemap
    from .guide import PAPER_LABELS, pdf_file_name, qr_svg
    from .schema import slugify
    from .seo import structured_data

    progress("planning the output")
    copies, fingerprints = read_static(root / "static")
    urls = Urls(site.config.url, fingerprints)
    pages = plan_pages(site)
    c = site.config
    template_digest = tree_digest(root / "templates")
    dig = Digests(site, {e.rel: e.digest for e in loaded},
                  digest(ENGINE_VERSION, engine_signature(), c, template_digest, fingerprints, site.include_drafts))
    out_dir = staging.out_dir if staging else None
    wanted: dict[str, str] = {}
    keep: set[str] = set()

    def unchanged(name: str, d: str) -> bool:
        wanted[name] = d
        old = previous.get(name)
        if old is None or old[0] != d:
            return False
        if out_dir is None:  # a check: these very inputs rendered without error in the last build
            return True
        if stat_sig(f"{out_dir}/{name}")[1:] == old[1:]:  # and the file is still what it wrote
            keep.add(name)
            return True
        return False

    def pieces(name: str) -> Pieces:  # a check reads them, a build keeps them up to date too
        old = previous.get(name)
        last = Written(last_output / name, *old) if old is not None and last_output is not None else None
        return Pieces(cache_dir, name, generated[name][0], last, writable=staging is not None)

    def put(files: dict[str, bytes]) -> tuple[int, int]:
        return staging.put_all(files) if staging else (0, 0)

    page_digests = {p.output: dig.page(p) for p in pages}
    todo = [p for p in pages if not unchanged(p.output, page_digests[p.output])]
    episodes, posts = dig.value(site.episodes), dig.value(site.articles)
    generated = {
        c.podcast.feed: (dig.of("podcast", episodes), lambda: build_podcast_feed(site, urls, pieces(c.podcast.feed),
                                                                                 lambda ep: dig.of("item", dig.item(ep)))),
        "atom.xml": (dig.of("atom", episodes, posts), lambda: build_atom_feed(site, urls)),  # newest 50: cheap to key on all
        "sitemap.xml": (dig.of("sitemap", sorted(page_digests.items())), lambda: build_sitemap(site, pages, urls)),
        "robots.txt": (dig.of("robots"), lambda: build_robots(urls)),
        "search.json": (dig.of("search", episodes, posts, dig.value(site.drills)),
                        lambda: build_search_index(site, urls, pieces("search.json"), lambda x: dig.of("entry", dig.item(x)))),
    }
    for ep in site.episodes:
        if ep.chapters:
            generated[f"episodes/{ep.slug}/chapters.json"] = (dig.of("chapters", dig.item(ep)),
                                                              partial(build_chapters_json, ep, site, urls))
        for media in (ep.audio, ep.transcript.file if ep.transcript else None, ep.image):
            if media is not None and media.source is not None:
                copies[media.href] = media.source
    guide = "guide/index.html"
    pdfs = {f"guide/{pdf_file_name(c.guide.pdf_name, paper)}": paper for paper in (c.guide.papers if pdf else ())}
    # No two sources may write one file: checked before anything is written.
    check_unique_outputs([(n, "generated") for n in list(page_digests) + list(generated) + list(pdfs)]
                         + [(n, str(src)) for n, src in copies.items()])

    templates = make_environment(root / "templates", template_digest)
    template_globals = {
        "structured_data": lambda page: structured_data(page, site, urls),
        "qr_svg": qr_svg,
        "pdf_name": lambda paper: pdf_file_name(c.guide.pdf_name, paper),
        "paper_label": PAPER_LABELS.__getitem__,
        "slugify": slugify,
        "drills_by_slug": {d.slug: d for d in site.drills},
    }
    counts: list[tuple[int, int]] = []
    jobs: list[Callable[[], tuple[int, int]]] = []
    heavy: list[int] = []
    papers = {name: paper for name, paper in pdfs.items() if not unchanged(name, digest(page_digests[guide], paper))}
    if papers:  # the PDFs are made from the guide page's HTML: render it first
        progress("rendering the drill guide for its PDFs")
        html = render_pages(site, [p for p in pages if p.output == guide], urls, templates, template_globals)[guide]
        if guide not in keep:
            counts.append(put({guide: html}))
            todo = [p for p in todo if p.output != guide]
        epoch = int(site.program.updated.timestamp())
        for name, paper in papers.items():
            heavy.append(len(jobs))
            jobs.append(partial(lambda name, paper: put({name: _pdf(html.decode("utf-8"), paper, urls, copies, epoch)}), name, paper))
    progress(f"rendering {len(todo)} of {len(pages)} pages" + (f" and {len(papers)} PDF guide(s)" if papers else ""))
    step = max(50, len(todo) // 8)
    page_jobs = set()
    for i in range(0, len(todo), step):
        page_jobs.add(len(jobs))
        jobs.append(partial(lambda part: put(render_pages(site, part, urls, templates, template_globals)), todo[i:i + step]))
    small: list[tuple[str, Callable[[], bytes]]] = []
    for name, (d, make) in generated.items():
        if unchanged(name, d):
            continue
        if name in (c.podcast.feed, "search.json"):  # the whole archive: a job of its own
            if len(site.episodes) + len(site.articles) >= LARGE_ARCHIVE:
                heavy.append(len(jobs))  # and a fresh worker, so no process holds two
            jobs.append(partial(lambda name, make: put({name: make()}), name, make))
        else:
            small.append((name, make))
    for i in range(0, len(small), 100):  # chapters, sitemap, robots: many small files, few jobs
        jobs.append(partial(lambda part: put({name: make() for name, make in part}), small[i:i + 100]))
    # Worth a fork: many pages, both PDFs, or several jobs over a large archive.
    big = len(todo) >= 200 or len(papers) > 1 or (len(jobs) > 2 and len(site.episodes) + len(site.articles) >= 1000)
    if big and len(todo) >= 200:  # many pages for the workers: compile once here, not once in each
        compile_templates(templates)
    # A few pages are rendered here while the workers make the feeds: compiling their templates
    # (none are kept on disk) then overlaps the workers' jobs instead of following them.
    here = frozenset(page_jobs) if big and len(todo) < 200 else frozenset()
    counts += run_jobs(jobs, parallel=big, heavy=frozenset(heavy), here=here)
    if staging:
        counts += [staging.keep(name) for name in sorted(keep)]
        counts += [staging.copy(name, src) for name, src in copies.items()]
    for name, src in copies.items():
        wanted.setdefault(name, digest("copy", stat_sig(src)[1:]))
    stats = WriteStats(len(wanted), sum(w for w, _ in counts), sum(k for _, k in counts))
    return Outputs(copies, wanted, len(pages), stats)


def _import_pdf_engine() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        pass  # no Pango: the PDF job reports it with the fix


def _pdf(html: str, paper: str, urls: Urls, copies: dict[str, Path], epoch: int) -> bytes:
    from .guide import build_guide_pdf  # WeasyPrint loads only when a PDF is made

    return build_guide_pdf(html, paper, urls, {}, copies, epoch)


_JOBS: list[Callable[[], tuple[int, int]]] = []


def run_jobs(jobs: list[Callable[[], tuple[int, int]]], parallel: bool, heavy: frozenset[int] = frozenset(),
             here: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """Run jobs, on every core when it pays. Forked workers inherit the jobs (closures over the
    site and the staging folder) and write their files themselves; only counts come back.
    Jobs in `heavy` (whole-archive feeds, PDFs) each get a fresh worker, so no process holds
    two of them: peak memory stays the parent's plus one job. Jobs in `here` run in this
    process once the workers have theirs."""
    import gc
    import multiprocessing
    import os
    import threading

    workers = min(os.cpu_count() or 1, len(jobs))
    # fork is only safe in a single-threaded process (serve runs an HTTP thread)
    if not parallel or workers < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [job() for job in jobs]
    global _JOBS
    _JOBS = jobs
    # Objects the workers inherit are frozen: their garbage collector never walks (and so never
    # copies) the parent's memory.
    gc.freeze()
    ctx = multiprocessing.get_context("fork")
    light = [i for i in range(len(jobs)) if i not in heavy and i not in here]
    try:
        with ctx.Pool(workers) as many, ctx.Pool(workers, maxtasksperchild=1) as fresh:
            alone = {i: fresh.apply_async(_run_job, (i,)) for i in sorted(heavy)}
            shared = many.map_async(_run_job, light, chunksize=1)
            results = {i: jobs[i]() for i in sorted(here)}
            results.update({i: r.get() for i, r in alone.items()})
            results.update(zip(light, shared.get()))
            return [results[i] for i in range(len(jobs))]
    finally:
        _JOBS = []
        gc.unfreeze()


def _run_job(i: int) -> tuple[int, int]:
    return _JOBS[i]()


__all__ = ["BuildOptions", "BuildResult", "build", "check", "load_site", "build_outputs"]
