"""Is the last output current? Answered from file signatures alone, before the engine is loaded.

The build's one clock is read here, before any input is looked at: a file modified within the
file system's clock resolution of it is compared by content, now and in the next build, never
trusted by its stat. This module imports only the configuration, the cache and the options,
so a build with nothing to do never loads Markdown, Jinja or the feed writer.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import orjson

from . import ENGINE_VERSION
from .cache import Entry, Index, read_index
from .fingerprint import StatSig, digest, racy, stat_sig
from .config import SiteConfig, read_config
from .options import BuildOptions

ENGINE_DIR = Path(__file__).resolve().parent
_LIBRARIES = ("Markdown", "nh3", "Jinja2", "feedgen", "lxml", "PyYAML", "mutagen", "Pillow", "segno", "weasyprint", "webvtt-py")


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a build saw before reading anything."""

    now_ns: int  # the one clock
    now: datetime  # what is published is decided at this time (injected in tests)
    config: SiteConfig
    out_dir: Path
    cache_dir: Path
    index: Index  # the last build's record
    sigs: list[StatSig]  # every input file's stat, by its project-relative path (a moved project keeps its cache)
    recent: set[str]  # inputs too new for their stat to prove anything
    hashed: dict[str, tuple[str, str]]  # their content digests, and those the last build hashed
    out_key: str  # the output folder as the cache records it: relative to the project when inside it


def read_inputs(opts: BuildOptions) -> Inputs:
    now_ns = time.time_ns()
    config = read_options_config(opts)
    cache_dir = opts.cache_dir or opts.root / ".cache"
    index = read_index(cache_dir) if opts.cache else Index()
    sigs, recent = stat_inputs(opts.root, now_ns)
    out_dir = (opts.out or config.output).resolve()
    return Inputs(now_ns, opts.now or datetime.now(timezone.utc), config, out_dir, cache_dir,
                  index, sigs, recent, _content_sigs(opts.root, recent | set(index.racy)), output_key(out_dir, opts.root))


def output_key(out_dir: Path, root: Path) -> str:
    """The output folder as the cache records it: project-relative when inside the project, so a
    moved project (its output moved with it) still patches its output in place."""
    try:
        return out_dir.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(out_dir)


def config_key(config: SiteConfig) -> str:
    """The configuration as it shapes documents and pages: not where the project or its output lies."""
    return digest(ENGINE_VERSION, engine_signature(), replace(config, root=Path("."), output=Path(".")))


def read_options_config(opts: BuildOptions) -> SiteConfig:
    config = read_config(opts.root / "site.toml")
    return config.with_base_url(opts.base_url) if opts.base_url else config


def is_current(inputs: Inputs, opts: BuildOptions) -> bool:
    """The same inputs, options and publication state as the last build, and its output untouched."""
    index = inputs.index
    signature = input_signature(inputs.sigs + [inputs.hashed[p] for p in index.racy], opts, inputs.out_key, index.dates, inputs.now)
    return index.inputs == signature and intact(inputs.out_dir, index.outputs)


def stat_inputs(root: Path, now_ns: int) -> tuple[list[StatSig], set[str]]:
    """Stat of every input file, taken before anything is read (so a mid-build edit is seen next
    time), and the files modified too recently for a later edit to be sure to change the mtime."""
    top = os.fspath(root)
    sigs = [("site.toml", *stat_sig(os.path.join(top, "site.toml"))[1:])]
    for folder in ("content", "templates", "static"):
        _stat_folder(top, folder, sigs)
    return sigs, {path for path, _, mtime in sigs if racy(mtime, now_ns)}


def _stat_folder(top: str, rel: str, sigs: list[StatSig]) -> None:
    """As os.walk(followlinks=False) with its folders and files sorted by name: a folder's files,
    then each of its folders in turn; a folder that cannot be listed counts as empty."""
    try:
        with os.scandir(os.path.join(top, rel)) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not e.is_symlink():  # listed by os.walk, not entered
                folders.append(e.name)
        else:
            sigs.append((f"{rel}/{e.name}", *stat_sig(e.path)[1:]))
    for name in folders:
        _stat_folder(top, f"{rel}/{name}", sigs)


def _content_sigs(root: Path, paths: set[str]) -> dict[str, tuple[str, str]]:
    def read(path: str) -> bytes:
        try:
            return (root / path).read_bytes()
        except OSError:
            return b""

    return {p: (p, digest(read(p))) for p in paths}


def input_signature(sigs: list[StatSig] | list[StatSig | tuple[str, str]], opts: BuildOptions, out_dir: str,
                    dates: dict[str, tuple[str, float, bool]], now: datetime) -> str:
    """Inputs, options, and which posts are public (or scheduled) at `now`: equal signatures, equal output.
    A new or changed file changes `sigs`, so the dates known from the last build are those of unchanged files."""
    t = now.timestamp()
    visible = sorted((rel, (opts.drafts or not draft) and (opts.future or ts <= t), ts > t) for rel, (_, ts, draft) in dates.items())
    # the long lists as JSON, which orjson writes ten times faster than repr(): they grow with the archive
    return digest(ENGINE_VERSION, engine_signature(), orjson.dumps(sigs), orjson.dumps(visible), opts.drafts, opts.future,
                  opts.base_url, opts.pdf, out_dir)


def intact(out_dir: Path, outputs: dict[str, Entry]) -> bool:
    """Every file the last build wrote is still there, unmodified (by size and mtime)."""
    return bool(outputs) and next(altered(out_dir, outputs), None) is None


def altered(out_dir: Path, outputs: dict[str, Entry]) -> Iterator[str]:
    """The files the last build wrote that are gone or no longer what it wrote (by size and mtime)."""
    return (name for name, (_, size, mtime) in outputs.items() if stat_sig(f"{out_dir}/{name}")[1:] != (size, mtime))


_engine_sig: str | None = None


def engine_signature() -> str:
    """The engine's own source and the libraries that shape its output: a changed module or an
    upgraded library invalidates the cache even without a version bump."""
    global _engine_sig
    if _engine_sig is None:
        _engine_sig = digest(*[(p.relative_to(ENGINE_DIR).as_posix(), p.read_bytes()) for p in sorted(ENGINE_DIR.rglob("*.py"))],
                             library_versions(_LIBRARIES))
    return _engine_sig


def library_versions(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Installed versions, from the names of the packages' .dist-info folders on sys.path (the first
    found wins, as for imports): importlib.metadata would parse every package's metadata, 16 ms
    on every build. "-" for a library that is not installed."""
    wanted = {_normal(n): n for n in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = list(os.scandir(folder or "."))
        except OSError:
            continue
        for e in entries:
            if e.name.endswith(".dist-info"):
                name, _, version = e.name[: -len(".dist-info")].partition("-")
                found.setdefault(wanted.get(_normal(name), ""), version)
    return [(n, found.get(n, "-")) for n in names]


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")
