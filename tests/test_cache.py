"""The build cache may save time, never change the output: cached builds equal cold builds."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import closing
from functools import partial
from pathlib import Path

import pytest

from conftest import FIXED_NOW, build_site, make_config
import sitegen.cache as cache_module
from sitegen.cache import FILE_NAME, close_body_reader, read_doc_cache, read_index
from sitegen.load import DOC_CODEC, body_from_source
from sitegen.problems import BuildError
from sitegen.pipeline import BuildOptions, build


def tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


def cold(root: Path, tmp: Path, **kw: object) -> dict[str, str]:
    """A build of the same input with no cache and no previous output."""
    other = tmp / f"cold-{len(list(tmp.iterdir()))}"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".cache", "_site", "._site*"))
    build_site(other, cache=False, **kw)
    return tree(other / "_site")


def warm(root: Path, **kw: object) -> dict[str, str]:
    build_site(root, **kw)
    return tree(root / "_site")


EDITS = {
    "edit an episode": lambda r: (r / "content/episodes/002-knees-and-you.md").write_text(
        (r / "content/episodes/002-knees-and-you.md").read_text().replace("Less compression", "Lower compression")),
    "retitle an article": lambda r: (r / "content/articles/safety-first.md").write_text(
        (r / "content/articles/safety-first.md").read_text().replace('title: "Safety first"', 'title: "Safety, first"')),
    "rename an episode": lambda r: ((r / "content/episodes/002-knees-and-you.md").rename(r / "content/episodes/002-knee-talk.md"),
                                     (r / "content/drills/backward-jog.md").write_text((r / "content/drills/backward-jog.md").read_text().replace("knees-and-you", "knee-talk"))),
    "delete an article": lambda r: ((r / "content/articles/safety-first.md").unlink(),
                                     (r / "content/drills/first-walk.md").write_text((r / "content/drills/first-walk.md").read_text().replace(" articles/safety-first,", "")),
                                     (r / "content/episodes/001-first-steps.md").write_text((r / "content/episodes/001-first-steps.md").read_text().replace("(/articles/safety-first/)", "(/drills/)"))),
    "change a template": lambda r: (r / "templates/partials/disclaimer.html").write_text(
        (r / "templates/partials/disclaimer.html").read_text().replace("Not medical advice.", "Not medical advice!")),
    "change the config": lambda r: (r / "site.toml").write_text((r / "site.toml").read_text().replace("A sample show used by the tests.", "A changed description.")),
    "change the CSS": lambda r: (r / "static/css/site.css").write_text((r / "static/css/site.css").read_text() + "\n/* changed */\n"),
    "replace the audio": lambda r: shutil.copy(r / "content/episodes/003-draft-episode.mp3", r / "content/episodes/002-knees-and-you.mp3"),
    "move an episode's date": lambda r: (r / "content/episodes/002-knees-and-you.md").write_text(
        (r / "content/episodes/002-knees-and-you.md").read_text().replace("date: 2026-03-10T07:30", "date: 2026-01-02T07:30")),
    "publish a draft": lambda r: (r / "content/articles/a-draft-article.md").write_text(
        (r / "content/articles/a-draft-article.md").read_text().replace("draft: true", "draft: false")),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_cached_build_equals_cold_build_after(edit: str, sample: Path, tmp_path: Path):
    warm(sample, pdf=False)
    EDITS[edit](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)


def test_no_change_rebuild_reads_nothing_and_rewrites_nothing(sample: Path):
    build_site(sample)
    before = {p: p.stat().st_mtime_ns for p in (sample / "_site").rglob("*") if p.is_file()}
    result = build_site(sample)
    assert result.site is None and result.stats.written == 0
    assert {p: p.stat().st_mtime_ns for p in (sample / "_site").rglob("*") if p.is_file()} == before


def test_one_change_rewrites_only_affected_files(sample: Path):
    build_site(sample, pdf=False)
    before = {p.relative_to(sample).as_posix(): p.stat().st_mtime_ns for p in (sample / "_site").rglob("*") if p.is_file()}
    EDITS["edit an episode"](sample)
    result = build_site(sample, pdf=False)
    changed = {p.relative_to(sample).as_posix() for p in (sample / "_site").rglob("*") if p.is_file()
               and before.get(p.relative_to(sample).as_posix()) != p.stat().st_mtime_ns}
    assert "_site/episodes/knees-and-you/index.html" in changed and "_site/podcast.xml" in changed
    assert "_site/articles/safety-first/index.html" not in changed and "_site/css" not in changed
    assert result.stats.written == len(changed) < len(before) / 2


def test_a_body_edit_keys_only_its_own_pages_again(sample: Path, monkeypatch: pytest.MonkeyPatch):
    """The other pages keep their recorded keys (the site has the same shape); a change of what
    lists show (a title) keys every page again."""
    from sitegen.digests import Digests

    keyed: list[str] = []
    page = Digests.page
    monkeypatch.setattr(Digests, "page", lambda self, p: keyed.append(p.output) or page(self, p))
    build_site(sample, pdf=False)
    everything = len(keyed)
    keyed.clear()
    EDITS["edit an episode"](sample)
    build_site(sample, pdf=False)
    assert keyed == ["episodes/knees-and-you/index.html"]
    keyed.clear()
    EDITS["retitle an article"](sample)
    build_site(sample, pdf=False)
    assert len(keyed) == everything


def test_a_body_edit_leaves_the_sitemap_and_a_date_edit_remakes_it(sample: Path):
    build_site(sample, pdf=False)
    sitemap = sample / "_site/sitemap.xml"
    before = sitemap.stat().st_mtime_ns
    EDITS["edit an episode"](sample)
    build_site(sample, pdf=False)
    assert sitemap.stat().st_mtime_ns == before
    text = sitemap.read_text()
    EDITS["move an episode's date"](sample)
    build_site(sample, pdf=False)
    assert sitemap.read_text() != text and "2026-01-02" in sitemap.read_text()


def db(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".cache" / FILE_NAME, isolation_level=None)


def test_corrupt_cache_file_is_ignored_and_replaced(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    (sample / ".cache" / FILE_NAME).write_bytes(b"SQLite format 3\x00" + b"garbage" * 100)
    EDITS["edit an episode"](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)
    with closing(db(sample)) as conn:  # written afresh, and usable again
        assert conn.execute("SELECT count(*) FROM docs").fetchone()[0] > 5


@pytest.mark.parametrize("tamper", [
    "UPDATE meta SET value = '0.0.1/1/(3, 9)' WHERE name = 'format'",  # another engine version
    "UPDATE docs SET value = '{\"@\": \"Episode\", \"v\": [1, 2]}'",  # wrong shape
    "UPDATE docs SET value = '{\"@\": \"Popen\", \"v\": [[\"touch\", \"x\"]]}'",  # not a model class
    "UPDATE docs SET value = 'not json'",
    "UPDATE meta SET value = '{\"inputs\": 5}' WHERE name = 'index'",
    "DROP TABLE docs",
    "ALTER TABLE docs DROP COLUMN stamp",  # tables of another shape under this version's stamp
    "UPDATE docs SET value = substr(value, 1, 40)",  # cut short
    "UPDATE docs SET value = CAST(value AS TEXT)",  # text, not bytes
    "UPDATE meta SET value = 'another write' WHERE name = 'rows'",  # the index's rows are not its own
    "DELETE FROM outputs",
    "DROP TABLE bodies",  # bodies are then made from their sources
    "UPDATE bodies SET stamp = 'another write'",
    "UPDATE bodies SET html = ''",
])
def test_foreign_or_damaged_cache_rows_are_ignored(tamper: str, sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    with closing(db(sample)) as conn:
        conn.execute(tamper)
    EDITS["edit an episode"](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)  # and the cache works again
    assert not build_site(sample, pdf=False).warnings


class _Planted:
    """Unpickling this runs a command: what a poisoned cache of the old format could do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def test_a_poisoned_cache_never_runs_code(sample: Path, tmp_path: Path):
    """Pickles or compiled templates planted in .cache/ (say, by a poisoned CI cache) are never
    loaded: the cache is data in SQLite, and templates are compiled from their source."""
    import pickle

    marker = tmp_path / "ran"
    build_site(sample, pdf=False)
    payload = pickle.dumps(("x", _Planted(marker)))
    (sample / ".cache/.docs-03.pickle.123.tmp").write_bytes(payload)  # what a full disk left
    for name in ("index.pickle", "docs.pickle", "docs-00.pickle", "pieces-podcast.pickle"):
        (sample / ".cache" / name).write_bytes(payload)
    (sample / ".cache/templates").mkdir(exist_ok=True)
    for name in os.listdir(sample / "templates"):
        (sample / ".cache/templates" / f"__jinja2_{name}.cache").write_bytes(payload)
    EDITS["edit an episode"](sample)
    build_site(sample, pdf=False)
    from sitegen.pipeline import check

    check(BuildOptions(root=sample, now=FIXED_NOW))
    assert not marker.exists()
    assert sorted(p.name for p in (sample / ".cache").iterdir()) == [FILE_NAME]  # and the old files are gone


def test_deleted_cache_and_edited_output_are_rebuilt(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    shutil.rmtree(sample / ".cache")
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)
    page = sample / "_site/episodes/first-steps/index.html"
    page.write_text("tampered")  # an output edited by hand is noticed and rewritten
    os.utime(page, ns=(1, 1))
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)


def test_future_episode_appears_when_its_day_comes_without_any_edit(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    later = FIXED_NOW.replace(year=2099, month=2)
    assert not (sample / "_site/episodes/future").exists()
    assert warm(sample, pdf=False, now=later) == cold(sample, tmp_path, pdf=False, now=later)
    assert (sample / "_site/episodes/future/index.html").exists()


def test_cached_build_with_pdf_equals_cold(sample: Path, tmp_path: Path):
    build_site(sample)
    EDITS["edit an episode"](sample)
    assert warm(sample) == cold(sample, tmp_path)


def test_parallel_parse_equals_serial(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import sitegen.load as load

    eps = sample / "content/episodes"
    text = (eps / "004-remote-bonus.md").read_text()
    for n in range(10, 90):
        (eps / f"{n:03d}-extra-{n}.md").write_text(text.replace("number: 4", f"number: {n}")
                                                   .replace("b5e0a1c2-d3e4-4f50-8617-28394a5b6c44", f"b5e0a1c2-d3e4-4f50-8617-28394a5b6{n:03d}"))
    monkeypatch.setattr(load, "PARALLEL_FROM", 1)
    parallel = warm(sample, pdf=False)
    monkeypatch.setattr(load, "PARALLEL_FROM", 10**9)
    assert parallel == cold(sample, tmp_path, pdf=False)
    assert build(BuildOptions(root=sample, now=FIXED_NOW, pdf=False, cache=False)).site is not None


def test_same_size_edit_within_one_clock_tick_is_seen(sample: Path, tmp_path: Path):
    """An edit that keeps the size and the mtime (possible within one tick of the file system's
    clock) must not be missed: files that recent are compared by content."""
    page = sample / "content/episodes/002-knees-and-you.md"
    os.utime(page)  # just edited
    build_site(sample, pdf=False)
    st = page.stat()
    page.write_text(page.read_text().replace("Less compression", "Mess compression"))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert page.stat().st_size == st.st_size
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)
    assert "Mess compression" in (sample / "_site/episodes/knees-and-you/index.html").read_text()


def test_one_edit_rewrites_one_document_in_the_cache(sample: Path):
    def rows() -> dict[str, int]:
        with closing(db(sample)) as conn:
            return dict(conn.execute("SELECT rel, rowid FROM docs"))  # a rewritten row gets a new rowid

    assert not build_site(sample, pdf=False).warnings
    before = rows()
    assert len(before) > 3
    EDITS["edit an episode"](sample)
    assert not build_site(sample, pdf=False).warnings
    after = rows()
    assert after.keys() == before.keys()
    assert [rel for rel in before if after[rel] != before[rel]] == ["content/episodes/002-knees-and-you.md"]


@pytest.mark.parametrize("spans", ['garbage', '{"x": [0, 3]}', '[1, 2]', '{"x": [5, 1]}', '{"x": [0, 99999999]}'])
def test_corrupt_feed_and_search_pieces_are_ignored(spans: str, sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    with closing(db(sample)) as conn:
        assert {n for (n,) in conn.execute("SELECT name FROM pieces")} == {"podcast.xml", "search.json"}
        conn.execute("UPDATE pieces SET spans = ?", (spans,))
    EDITS["edit an episode"](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)


def test_a_build_stopped_while_patching_the_output_is_repaired_next_time(sample: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch):
    import sitegen.write as write

    build_site(sample, pdf=False)
    EDITS["edit an episode"](sample)
    EDITS["retitle an article"](sample)
    real, moved = write._place, []

    def place_one_then_die(src: str, dst: Path, out_dir: Path) -> None:
        if moved:
            raise KeyboardInterrupt
        moved.append(dst)
        real(src, dst, out_dir)

    monkeypatch.setattr(write, "_place", place_one_then_die)
    with pytest.raises(KeyboardInterrupt):
        build_site(sample, pdf=False)
    assert len(moved) == 1 and read_index(sample / ".cache").inputs == ""
    monkeypatch.setattr(write, "_place", real)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)


def test_output_deleted_or_moved_between_builds_is_written_whole(sample: Path, tmp_path: Path):
    build_site(sample, pdf=False)
    shutil.rmtree(sample / "_site")
    EDITS["edit an episode"](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)
    other = tmp_path / "elsewhere"
    build_site(sample, pdf=False, out=other)
    assert tree(other) == tree(sample / "_site")


def test_check_after_a_build_renders_only_what_changed_and_writes_nothing(sample: Path, monkeypatch: pytest.MonkeyPatch):
    import sitegen.schedule as schedule
    from sitegen.pipeline import check
    from sitegen.problems import BuildError

    build_site(sample, pdf=False)
    rendered: list[str] = []
    real = schedule.render_pages  # the scheduler's: where pages are rendered
    monkeypatch.setattr(schedule, "render_pages", lambda site, pages, *rest: (rendered.extend(p.output for p in pages), real(site, pages, *rest))[1])
    before = {p: p.stat().st_mtime_ns for p in (sample / ".cache").rglob("*")}
    check(BuildOptions(root=sample, now=FIXED_NOW))
    assert rendered == []
    EDITS["edit an episode"](sample)
    check(BuildOptions(root=sample, now=FIXED_NOW))
    assert "episodes/knees-and-you/index.html" in rendered and "articles/safety-first/index.html" not in rendered
    assert {p: p.stat().st_mtime_ns for p in (sample / ".cache").rglob("*")} == before
    (sample / "templates/partials/disclaimer.html").write_text("{{ nonsense.here }}")
    with pytest.raises(BuildError, match="disclaimer.html"):
        check(BuildOptions(root=sample, now=FIXED_NOW))


def test_a_new_episode_does_not_remake_the_guide_or_its_pdfs(sample: Path):
    """The guide carries its own revision date, so publishing an episode leaves it alone."""
    build_site(sample)
    pdfs = {p: p.stat().st_mtime_ns for p in (sample / "_site/guide").iterdir()}
    assert any(p.suffix == ".pdf" for p in pdfs)
    text = (sample / "content/episodes/004-remote-bonus.md").read_text()
    (sample / "content/episodes/006-new-one.md").write_text(
        text.replace("number: 4", "number: 6").replace("b5e0a1c2-d3e4-4f50-8617-28394a5b6c44", "b5e0a1c2-d3e4-4f50-8617-28394a5b6c99")
        .replace("date: 2026-03-20", "date: 2026-05-20"))
    result = build_site(sample)
    assert result.site is not None and any(e.slug == "new-one" for e in result.site.episodes)
    assert {p: p.stat().st_mtime_ns for p in (sample / "_site/guide").iterdir()} == pdfs


def test_cache_deleted_in_the_middle_of_a_build(sample: Path, tmp_path: Path):
    # The build's own progress report is the hook: it does not depend on how the pipeline imports its steps.
    build_site(sample, pdf=False)
    EDITS["edit an episode"](sample)
    lost: list[str] = []

    def lose_the_cache_when_rendering(message: str) -> None:
        if message.startswith("rendering") and not lost:
            shutil.rmtree(sample / ".cache")  # no ignore_errors: the cache is there until now
            lost.append(message)

    build(BuildOptions(root=sample, pdf=False, now=FIXED_NOW), progress=lose_the_cache_when_rendering)
    assert lost, "the build never reported its rendering step"
    assert tree(sample / "_site") == cold(sample, tmp_path, pdf=False)
    EDITS["retitle an article"](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)


def test_one_clock_per_build_an_edit_during_a_slow_build_is_seen(sample: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    """Whether a file is too recent to trust by its stat is judged once per build, against the
    moment before anything was read: a build slowed between its steps (150 ms here) must not
    trust a stat that its first step found too recent."""
    import time

    import sitegen.pipeline as pipeline

    page = sample / "content/episodes/002-knees-and-you.md"
    real = pipeline.load_items

    def slow_load(*args: object, **kw: object):  # type: ignore[no-untyped-def]
        time.sleep(0.15)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "load_items", slow_load)
    os.utime(page)  # just edited
    build_site(sample, pdf=False)
    st = page.stat()
    page.write_text(page.read_text().replace("Less compression", "Mess compression"))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the bytes tell
    monkeypatch.setattr(pipeline, "load_items", real)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)
    assert "Mess compression" in (sample / "_site/episodes/knees-and-you/index.html").read_text()


def test_an_unwritable_cache_costs_time_never_the_build(sample: Path, tmp_path: Path):
    """A .cache that cannot be written (a file in its place here; another user's folder or a
    full disk alike) gives a complete build and a warning, not a traceback."""
    (sample / ".cache").write_text("not a folder")
    first = build_site(sample, pdf=False)
    assert first.warnings and "cache" in first.warnings[0]
    EDITS["edit an episode"](sample)
    assert warm(sample, pdf=False) == cold(sample, tmp_path, pdf=False)


def test_the_show_art_is_opened_again_only_when_it_changed(sample: Path, monkeypatch: pytest.MonkeyPatch):
    import sitegen.art as art
    from sitegen.problems import BuildError

    build_site(sample, pdf=False)
    real, opened = art.check_art, []
    monkeypatch.setattr(art, "check_art", lambda path, **kw: (opened.append(path), real(path, **kw))[1])
    EDITS["edit an episode"](sample)
    build_site(sample, pdf=False)
    assert not any(p.name == "cover.jpg" for p in opened)
    cover = next((sample / "static").rglob("cover.jpg"))
    from PIL import Image

    Image.new("RGB", (1400, 1500)).save(cover)  # not square: must be seen
    with pytest.raises(BuildError, match="1400x1500"):
        build_site(sample, pdf=False)


def test_bodies_stay_in_the_cache_when_shown(sample: Path):
    """An unchanged post's body is not needed by a build that reuses its page and feed pieces:
    decoding the cache leaves every body in the file, and reading one gives the parsed HTML
    without keeping it."""
    build_site(sample, pdf=False)
    again = partial(body_from_source, make_config(sample))
    docs = read_doc_cache(sample / ".cache", DOC_CODEC, again).docs
    assert docs and not any(d.item.body.loaded for d in docs.values() if d.item is not None)
    for rel, d in docs.items():
        if d.item is not None:
            assert d.item.body_html == again(rel, d) and not d.item.body.loaded
    close_body_reader()


def test_a_body_whose_row_was_rewritten_comes_from_its_source_or_the_build_stops(sample: Path):
    """Another build (or a deleted cache) may replace a row after this build decoded it: the body
    is then made again from its source, and when the source changed too, the build stops with a
    problem naming the file rather than mix two versions of a post."""
    build_site(sample, pdf=False)
    again = partial(body_from_source, make_config(sample))
    docs = read_doc_cache(sample / ".cache", DOC_CODEC, again).docs
    edited, other = "content/episodes/002-knees-and-you.md", "content/articles/safety-first.md"
    EDITS["edit an episode"](sample)
    build_site(sample, pdf=False)  # rewrites the edited file's row, not the other's
    assert docs[other].item.body_html == again(other, docs[other])  # its row is as it was
    with pytest.raises(BuildError) as caught:
        docs[edited].item.body_html
    assert caught.value.problems[0].path == edited and "build again" in caught.value.problems[0].message
    shutil.rmtree(sample / ".cache")
    docs = read_doc_cache(sample / ".cache", DOC_CODEC, again).docs
    assert docs == {}
    close_body_reader()


def test_a_forked_worker_reads_bodies_on_a_connection_of_its_own(sample: Path):
    """SQLite's rule: a connection never crosses a fork. A worker forked after the parent read a
    body opens its own, and leaves the parent's alone (neither used nor closed)."""
    build_site(sample, pdf=False)
    again = partial(body_from_source, make_config(sample))
    docs = [d for d in read_doc_cache(sample / ".cache", DOC_CODEC, again).docs.values() if d.item is not None]
    first, second, third = docs[0], docs[1], docs[2]
    assert first.item.body_html == again(first.rel, first)  # the parent's connection is open now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        ok = second.item.body_html == again(second.rel, second) and cache_module._open["at"][0] == os.getpid()  # from its own
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
    os.close(read)
    assert third.item.body_html == again(third.rel, third)  # the parent's connection still works
    assert cache_module._open["at"][0] == os.getpid()
    close_body_reader()


def test_many_parsed_documents_wait_in_the_cache_while_the_outputs_are_made(sample: Path, tmp_path: Path, monkeypatch):
    """A build that parsed thousands of posts writes them to the cache first and lets their
    bodies go (150 MB at 20,000 posts): the outputs are the same, and so is the next build."""
    import sitegen.pipeline as pipeline

    expected = cold(sample, tmp_path)  # the sample's few posts: below SPILL_FROM, bodies held
    held: list[bool] = []
    real = pipeline.write_outputs

    def spy(opts, inputs, site, loaded, progress):
        held.extend(x.body.loaded for x in (*site.episodes, *site.articles, *site.drills))
        return real(opts, inputs, site, loaded, progress)

    monkeypatch.setattr(pipeline, "write_outputs", spy)
    monkeypatch.setattr(pipeline, "SPILL_FROM", 1)
    shutil.rmtree(sample / ".cache", ignore_errors=True)
    shutil.rmtree(sample / "_site", ignore_errors=True)
    build_site(sample)
    assert held and not any(held)  # every body in the cache file while the outputs were made
    assert tree(sample / "_site") == expected
    docs = read_doc_cache(sample / ".cache", DOC_CODEC).docs
    assert docs and all(d.item is None or d.item.body_html for d in docs.values())
    close_body_reader()
    EDITS["edit an episode"](sample)
    assert warm(sample) == cold(sample, tmp_path)  # the record written at the end is whole
