"""Make the outputs that are not current, on every core when it pays, and hand them to a writer.

`stale_outputs` says which outputs of a plan must be made (no side effects: it compares keys
with the last build's record and stats the files it wrote). `make_outputs` renders them in
jobs and gives the bytes (or parts, for the whole-archive outputs) to a `Writer`: the staging
folder for a build, `NoWriter` for a check.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

from .cache import CacheError, Entry
from .fingerprint import stat_sig
from .forked import Forked, run_all
from .freshness import altered
from .guide import PAPER_LABELS, pdf_file_name, qr_svg
from .made import read_made, write_made
from .models import Site
from .outputs import Output, Plan
from .parts import Part
from .plan import PageSpec
from .render import compile_templates, make_environment, render_pages
from .seo import structured_data
from .urls import Urls

LARGE_ARCHIVE = 2000  # posts from which the feed and search index take tens of MB to build
GUIDE = "guide/index.html"
Counts = tuple[int, int]  # (written, kept)
Job = Callable[[], Counts]


class Writer(Protocol):
    def put_all(self, files: dict[str, bytes]) -> Counts: ...
    def put_parts(self, name: str, parts: Iterable[Part]) -> Counts: ...
    def keep(self, name: str) -> Counts: ...
    def copy(self, name: str, src: Path) -> Counts: ...


class NoWriter:
    """What a check writes: nothing."""

    def put_all(self, files: dict[str, bytes]) -> Counts:
        return 0, 0

    def put_parts(self, name: str, parts: Iterable[Part]) -> Counts:
        for _ in parts:  # made as they are taken: taken, so that rendering errors show up
            pass
        return 0, 0

    def keep(self, name: str) -> Counts:
        return 0, 0

    def copy(self, name: str, src: Path) -> Counts:
        return 0, 0


@dataclass(frozen=True, slots=True)
class Stale:
    make: list[Output]  # not current: to be made
    copy: list[Output]  # files published as they are, not current: to be copied
    keep: list[str]  # current, and still on disk as the last build wrote them


class Ahead:
    """Whole-archive outputs being made while the pages are planned (see ahead_of_plan); by
    default nothing, and the plan's own steps make every output and stat every file."""

    def __init__(self, owns: frozenset[str] = frozenset(), keep: tuple[str, ...] = (), worker: Forked | None = None,
                 making: bool = False) -> None:
        self.owns = owns  # made or found current here: the other steps leave them alone
        self.keep = keep  # of those, the ones current on disk
        self._worker = worker
        self._making = making

    def altered(self) -> frozenset[str] | None:
        """Files of the last output no longer as the last build wrote them; None: not looked at."""
        return self._worker.result(0) if self._worker is not None else None

    def wait(self) -> list[Counts]:
        return [self._worker.result(1)] if self._worker is not None and self._making else []


@contextmanager
def ahead_of_plan(archives: tuple[Output, ...], previous: dict[str, Entry], out_dir: Path | None, writer: Writer,
                  worth_it: bool) -> Iterator[Ahead]:
    """When `worth_it` (a large archive patched in place), one forked worker stats every file the
    last build wrote, then makes the stale whole-archive outputs, while this process plans the
    pages: on two cores the slowest outputs of a one-post change then cost no time of their own."""
    if out_dir is None or not worth_it or not _may_fork():
        yield Ahead()
        return
    keep = tuple(o.path for o in archives if _current(o, previous.get(o.path), out_dir))
    stale = [o for o in archives if o.path not in keep]
    try:
        worker = Forked([partial(_altered, out_dir, previous)] + ([partial(_write_made, writer, stale)] if stale else []))
    except OSError:  # no memory or process left for a fork: the plan's own steps do it all
        yield Ahead()
        return
    try:
        yield Ahead(frozenset(o.path for o in archives), keep, worker, making=bool(stale))
    finally:
        worker.close()


def _altered(out_dir: Path, previous: dict[str, Entry]) -> frozenset[str]:
    return frozenset(altered(out_dir, previous))


def _current(o: Output, old: Entry | None, out_dir: Path) -> bool:
    return old is not None and old[0] == o.key and stat_sig(f"{out_dir}/{o.path}")[1:] == old[1:]


def stale_outputs(plan: Plan, previous: dict[str, Entry], out_dir: Path | None, ahead: Ahead = Ahead()) -> Stale:
    """Outputs whose key differs from the last build's, or whose file is no longer what it wrote.
    Without an output folder (a check), an equal key is enough: those inputs rendered without error.
    A copy's key is its source's size and mtime, as the writer would compare them. Outputs made
    `ahead` are left to it, and the files it found altered are not stat'ed again."""
    make: list[Output] = []
    copy: list[Output] = []
    keep: list[str] = list(ahead.keep)
    altered = ahead.altered()
    for o in plan.outputs:
        if o.path in ahead.owns:
            continue
        old = previous.get(o.path)
        if old is not None and old[0] == o.key:
            if out_dir is None:
                continue
            intact = o.path not in altered if altered is not None else _current(o, old, out_dir)
            if intact:
                keep.append(o.path)
                continue
        (make if o.source is None else copy).append(o)
    return Stale(make, copy, keep)


def make_outputs(site: Site, root: Path, plan: Plan, stale: Stale, writer: Writer, progress: Callable[[str], None],
                 cache_dir: Path | None = None, ahead: Ahead = Ahead()) -> list[Counts]:
    """Render every stale output into `writer`, carry over the kept ones, copy the published files,
    and wait for those made `ahead`. PDFs the cache (`cache_dir`) keeps under their key are copied, not made again."""
    templates = make_environment(root / "templates", plan.template_digest)
    render = partial(_render, site, plan, templates, template_globals(site, plan.urls))
    pages = [o.page for o in stale.make if o.page is not None]
    counts, jobs, heavy, pages = _pdf_jobs(site, plan, stale, writer, render, pages, progress, cache_dir)
    progress(f"rendering {len(pages)} of {len(plan.pages)} pages" + (f" and {len(heavy)} PDF guide(s)" if heavy else ""))
    step = max(50, len(pages) // 8)
    first_pages = len(jobs)
    jobs += [partial(_write_pages, writer, render, pages[i:i + step]) for i in range(0, len(pages), step)]
    # Thousands of pages: each slice in a fresh worker too. One that rendered them all would end up
    # with its own copy of most of this process's memory (reading an object writes its reference
    # count); for a few pages a fork of a large archive's process would cost more than it saves.
    fresh = frozenset(range(first_pages, len(jobs))) if len(pages) >= LARGE_ARCHIVE else frozenset()
    jobs += _generated_jobs(site, stale, writer, heavy, len(jobs))
    # Worth a fork: many pages, both PDFs, or several jobs over a large archive.
    big = len(pages) >= 200 or len(heavy) > 1 or (len(jobs) > 2 and len(site.episodes) + len(site.articles) >= 1000)
    if big and len(pages) >= 200:  # many pages for the workers: compile once here, not once in each
        compile_templates(templates)
    counts += run_jobs(jobs, parallel=big, heavy=frozenset(heavy), fresh=fresh)
    counts += [writer.keep(name) for name in sorted(stale.keep)]
    counts += [writer.copy(o.path, o.source) for o in stale.copy if o.source is not None]
    return counts + ahead.wait()


def _pdf_jobs(site: Site, plan: Plan, stale: Stale, writer: Writer, render: Callable[[list[PageSpec]], dict[str, bytes]],
              pages: list[PageSpec], progress: Callable[[str], None],
              cache_dir: Path | None) -> tuple[list[Counts], list[Job], set[int], list[PageSpec]]:
    """The PDFs are made from the guide page's HTML: render it once, here, write it if it is
    stale, and give each PDF a job of its own. Returns the counts so far, the jobs, which of
    them are heavy, and the pages still to render. A PDF the cache keeps under its key (the
    guide page's digest and the paper) is copied from it: a deploy without the last output
    does not spend a second on each."""
    papers = [o for o in stale.make if o.paper is not None]
    kept = {o.path: data for o in papers if (data := read_made(cache_dir, o.path, o.key)) is not None}
    counts = [writer.put_all(kept)] if kept else []
    papers = [o for o in papers if o.path not in kept]
    if not papers:
        return counts, [], set(), pages
    progress("rendering the drill guide for its PDFs")
    html = render([p for p in plan.pages if p.output == GUIDE])[GUIDE]
    if GUIDE not in stale.keep:
        counts.append(writer.put_all({GUIDE: html}))
        pages = [p for p in pages if p.output != GUIDE]
    epoch = int(site.program.updated.timestamp())
    jobs: list[Job] = [partial(_write_pdf, writer, o, html, plan, epoch, cache_dir) for o in papers]
    return counts, jobs, set(range(len(jobs))), pages


def _generated_jobs(site: Site, stale: Stale, writer: Writer, heavy: set[int], first: int) -> list[Job]:
    """Whole-archive outputs each a job of their own (and a fresh worker for a large archive, so
    no process holds two); the small ones (chapters, sitemap, robots) a hundred to a job."""
    jobs: list[Job] = []
    small = []
    for o in stale.make:
        if o.make is None and o.parts is None:
            continue
        if o.weight == "archive":
            if len(site.episodes) + len(site.articles) >= LARGE_ARCHIVE:
                heavy.add(first + len(jobs))
            jobs.append(partial(_write_made, writer, [o]))
        else:
            small.append(o)
    jobs += [partial(_write_made, writer, small[i:i + 100]) for i in range(0, len(small), 100)]
    return jobs


def template_globals(site: Site, urls: Urls) -> dict[str, Any]:
    """What every template may call besides the page's own variables."""
    c = site.config
    return {
        "structured_data": lambda page: structured_data(page, site, urls),
        "qr_svg": qr_svg,
        "pdf_name": lambda paper: pdf_file_name(c.guide.pdf_name, paper),
        "paper_label": PAPER_LABELS.__getitem__,
        "drills_by_slug": {d.slug: d for d in site.drills},
    }


def _render(site: Site, plan: Plan, templates: Any, extra: dict[str, Any], pages: list[PageSpec]) -> dict[str, bytes]:
    return render_pages(site, pages, plan.urls, templates, extra)


def _write_pages(writer: Writer, render: Callable[[list[PageSpec]], dict[str, bytes]], pages: list[PageSpec]) -> Counts:
    # a hundred at a time: a slice of a large archive is 50 MB of HTML, never all in memory at once
    return _total([writer.put_all(render(pages[i:i + 100])) for i in range(0, len(pages), 100)])


def _write_made(writer: Writer, outputs: list[Output]) -> Counts:
    counts = [writer.put_parts(o.path, o.parts()) for o in outputs if o.parts is not None]
    counts.append(writer.put_all({o.path: o.make() for o in outputs if o.make is not None}))
    return _total(counts)


def _total(counts: list[Counts]) -> Counts:
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def _write_pdf(writer: Writer, pdf: Output, html: bytes, plan: Plan, epoch: int, cache_dir: Path | None) -> Counts:
    from .guide import build_guide_pdf  # WeasyPrint loads only when a PDF is made

    data = build_guide_pdf(html.decode("utf-8"), pdf.paper or "", plan.urls, plan.copies, epoch)
    counts = writer.put_all({pdf.path: data})
    if cache_dir is not None:
        try:
            write_made(cache_dir, pdf.path, pdf.key, data)
        except CacheError:
            pass  # the next build without this output makes it again
    return counts


def run_jobs(jobs: list[Job], parallel: bool, heavy: frozenset[int] = frozenset(), fresh: frozenset[int] = frozenset()) -> list[Counts]:
    """Run jobs, on every core when it pays, in at most one process per core. Forked workers
    inherit the jobs (closures over the site and the staging folder) and write their files
    themselves; only counts come back. Jobs in `heavy` (whole-archive feeds, PDFs) start first;
    they and those in `fresh` each get a fresh worker, so no process holds two of them; the
    others share workers. A few light jobs beside heavy ones (a build that changed one post) run
    in this process meanwhile."""
    workers = min(os.cpu_count() or 1, len(jobs))
    if not parallel or workers < 2 or not _may_fork():
        return [job() for job in jobs]
    # Objects the workers inherit are frozen: their garbage collector never walks (and so never
    # copies) the parent's memory. They stay frozen after: they live until the build ends (see build()).
    gc.freeze()
    light = [i for i in range(len(jobs)) if i not in heavy]
    here = light if heavy and len(light) <= len(heavy) else []
    done: dict[int, Counts] = {}
    done.update(run_all(jobs, sorted(heavy) + [i for i in light if i not in here], workers, alone=heavy | fresh,
                        meanwhile=lambda: done.update((i, jobs[i]()) for i in here)))
    return [done[i] for i in range(len(jobs))]


def _may_fork() -> bool:
    """Only a single-threaded process may fork (serve runs an HTTP thread), and only where fork exists."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


