"""Command line: parse arguments, call the engine, turn problems into messages and exit codes."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from .collector import paused
from .problems import BuildError
from .say import Say, problem, shown_folder

if TYPE_CHECKING:
    from .options import BuildOptions, BuildResult


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the Retro Stride site, podcast feed and drill guide.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--drafts", action="store_true", help="include drafts")
    common.add_argument("--future", action="store_true", help="include posts dated in the future")
    common.add_argument("--base-url", metavar="URL", help="override [site] url, e.g. the GitHub Pages URL")
    common.add_argument("--out", metavar="DIR", type=Path, help="output folder (default: [build] output, _site)")
    common.add_argument("--root", metavar="DIR", type=Path, default=Path.cwd(), help="project folder (default: here)")
    loud = common.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    loud.add_argument("-v", "--verbose", action="store_true", help="print each step")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("build", parents=[common], help="build the site into _site/ (the default)")
    sub.add_parser("check", parents=[common], help="validate everything, write nothing")
    narrate = sub.add_parser("narrate", help="synthesise an episode's audio, chapters and transcript")
    narrate.add_argument("episodes", nargs="+", type=Path, help="episode Markdown files")
    _add_new_and_serve(sub)
    from .media_cli import add_media_commands

    add_media_commands(sub)
    parser.set_defaults(command="build")
    for action in common._actions:  # `python build.py --drafts` works without naming `build`
        if action.option_strings and action.dest != "help":
            parser._add_action(action)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if args.command in ("narrate", "new", "serve", "ping"):
        return _other_command(args)
    if args.command == "media":
        from .media_cli import main as media_main

        return media_main(args)
    from .options import BuildOptions

    opts = BuildOptions(root=args.root.resolve(), out=args.out.resolve() if args.out else None, base_url=args.base_url,
                        drafts=args.drafts, future=args.future)
    talk = Say.for_terminal(quiet=args.quiet, verbose=args.verbose)
    doing = ["reading site.toml"]

    def step(msg: str) -> None:
        doing[0] = msg
        talk.step(msg)

    try:
        if args.command == "check":
            return _check(opts, talk)
        try:
            result = _build(opts, step)
        finally:
            talk.done()
    except BuildError as exc:
        report(exc)
        return 1
    except KeyboardInterrupt:
        problem("build.py: stopped; the last good output is as it was")
        return 130
    except OSError as exc:  # the machine, not the content: a full disk, a folder it may not write
        where = f"{exc.filename}: " if exc.filename else ""
        problem(f"build.py: {where}{exc.strerror or exc}; check that the path exists, its permissions and the free disk space "
                "(the last good output is as it was)")
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: say where, never a bare traceback
        report_bug(exc, doing[0], verbose=args.verbose)
        return 2
    _say_built(result, talk)
    return 0


def _other_command(args: argparse.Namespace) -> int:
    if args.command == "narrate":
        return _narrate(args.episodes)
    if args.command == "ping":
        from .ping import main as ping_main

        return ping_main(args.root.resolve(), args.out.resolve() if args.out else None, args.base_url,
                         args.state.resolve() if args.state else None, args.hub, args.pubnotify, args.feed_sha256,
                         args.print_digest, args.quiet)
    if args.command == "new":
        from .new import main as new_main

        return new_main(args.root.resolve(), args.kind, args.title, slug=args.slug, day=args.date,
                        quiet=args.quiet, verbose=args.verbose)
    from .serve import main as serve_main

    return serve_main(args.root.resolve(), port=args.port, out=args.out.resolve() if args.out else None,
                      pdf=not args.no_pdf, quiet=args.quiet, verbose=args.verbose)


def _narrate(episodes: list[Path]) -> int:
    """Narration masters what it speaks: without requirements-media.txt, one line and exit 1."""
    from .media_packages import MASTERING, load_tool

    narrate_main = load_tool("build.py narrate", MASTERING, "sitegen.narrate", "main")
    return 1 if narrate_main is None else int(narrate_main([str(p) for p in episodes]))


@paused()
def _check(opts: "BuildOptions", talk: Say) -> int:
    from .pipeline import check

    result = check(opts)
    s = result.site
    assert s is not None
    for warning in result.warnings:
        talk.problem(f"build.py check: warning: {warning}")
    talk.info(f"ok: {len(s.episodes)} episodes, {len(s.articles)} articles, {len(s.drills)} drills, "
              f"{result.pages} pages checked in {result.seconds:.2f} s; nothing written")
    return 0


def _say_built(result: "BuildResult", talk: Say) -> None:
    for warning in result.warnings:
        talk.problem(f"build.py: warning: {warning}")
    stats = result.stats
    if result.site is None:
        talk.info(f"nothing changed: {shown_folder(result.out_dir)} is up to date ({stats.files} files) ({result.seconds:.2f} s)")
    else:
        talk.info(f"built {result.pages} pages and {stats.files} files into {shown_folder(result.out_dir)} "
                  f"({stats.written} written, {stats.kept} unchanged) in {result.seconds:.2f} s")


@paused()  # see collector.py
def _build(opts: "BuildOptions", step: Callable[[str], None]) -> "BuildResult":
    """A build with nothing to do answers from file signatures, without loading the engine."""
    import time

    from .freshness import is_current, read_inputs
    from .options import unchanged_result

    started = time.perf_counter()
    inputs = read_inputs(opts)
    if is_current(inputs, opts):
        return unchanged_result(inputs.index.outputs, time.perf_counter() - started, inputs.out_dir)
    from .pipeline import build

    return build(opts, progress=step, inputs=inputs)


def _add_new_and_serve(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from datetime import date

    place = argparse.ArgumentParser(add_help=False)
    place.add_argument("--root", metavar="DIR", type=Path, default=Path.cwd(), help="project folder (default: here)")
    loud = place.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    loud.add_argument("-v", "--verbose", action="store_true", help="print more detail")
    new = sub.add_parser("new", parents=[place], help="start a new episode, article or drill from the schema",
                         description="Create content/<section>/<file>.md with every front-matter field, as a draft.")
    new.add_argument("kind", choices=("episode", "article", "drill"), help="what to create")
    new.add_argument("title", help="the title, in quotes")
    new.add_argument("--slug", help="file name and URL part (default: made from the title)")
    new.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="publication date (default: today)")
    serve = sub.add_parser("serve", parents=[place], help="preview the site with drafts and future posts, rebuilding on change",
                           description="Build with drafts and future posts into .cache/serve/, serve it on 127.0.0.1 "
                                       "under the site's subpath, rebuild when content/, templates/, static/ or "
                                       "site.toml change, and reload open pages. Stop with Ctrl+C.")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    serve.add_argument("--out", metavar="DIR", type=Path, help="output folder (default: .cache/serve)")
    serve.add_argument("--no-pdf", action="store_true", help="skip the drill guide PDFs for faster rebuilds")
    _add_ping(sub, place)


def _add_ping(sub: "argparse._SubParsersAction[argparse.ArgumentParser]", place: argparse.ArgumentParser) -> None:
    ping = sub.add_parser("ping", parents=[place], help="tell the WebSub hub and Podcast Index that the feed changed",
                          description="After a deploy: when the built feed differs from the one --state recorded, "
                                      "POST hub.mode=publish to the feed's WebSub hub and call Podcast Index's "
                                      "pubnotify. A failed notification is a warning (exit 0).")
    ping.add_argument("--out", metavar="DIR", type=Path, help="the built site (default: [build] output, _site)")
    ping.add_argument("--base-url", metavar="URL", help="the deployed site's URL, as given to the build")
    ping.add_argument("--state", metavar="FILE", type=Path,
                      help="holds the digest of the last feed notified; without it, always notify")
    ping.add_argument("--hub", metavar="URL", help="the WebSub hub (default: [podcast] hub)")
    ping.add_argument("--pubnotify", metavar="URL", help="Podcast Index's endpoint (default: its hub/pubnotify)")
    ping.add_argument("--feed-sha256", metavar="HEX", help="the deployed feed's digest, instead of reading the built feed")
    ping.add_argument("--print-digest", action="store_true", help="only print sha256=DIGEST of the built feed")


def report_bug(exc: BaseException, doing: str, verbose: bool) -> None:
    """An unexpected exception: what the build was doing, which file, where in the engine."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    lines = [f"build.py: unexpected error while {doing}: {type(exc).__name__}: {exc}{where}"]
    lines += [f"  {note}" for note in getattr(exc, "__notes__", ())]
    lines.append("This is a bug in the generator, please report it with these lines "
                 f"({'traceback below' if verbose else 'run again with -v for the traceback'}); "
                 "the last good output is as it was.")
    problem("\n".join(lines))
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)


def report(exc: BuildError) -> None:
    problem(exc.report())
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for found in exc.problems:
            print(found.github_annotation())

