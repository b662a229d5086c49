"""`build.py media master | push | import | verify`: the episodes' audio, from the command line.

Every problem is one message naming the file (and line) and the fix, exit 1, and the manifest
is as it was unless an object was verified. `master` and `push` need requirements-media.txt
(sitegen/media_packages.py); `import` and `verify` need only the build's packages.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from . import media_packages
from .problems import BuildError
from .say import problem

def add_media_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    media = sub.add_parser("media", help="the episodes' audio: master a recording; publish it to object storage and "
                           "record it in content/media.json")
    actions = media.add_subparsers(dest="media_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", metavar="DIR", type=Path, default=Path.cwd(), help="project folder (default: here)")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    master = actions.add_parser("master", help="master a recording into the episode's published MP3",
                                description="Master the episode's recording (WAV, FLAC, MP3 or M4A) into its `audio:` MP3: "
                                            "-16 LUFS, true peak at most -1 dBTP, 44.1 kHz, ID3 tags and chapters.")
    master.add_argument("episode", type=Path, help="the episode's Markdown file, e.g. content/episodes/008-hills.md")
    master.add_argument("--from", dest="recording", type=Path, metavar="RECORDING",
                        help="the recording (default: recordings/NNN-slug.wav, .flac, .m4a or .mp3)")
    actions.add_parser("push", parents=[common], help="upload new or changed audio ([media] storage = \"s3\"), verify it, "
                       "record it in content/media.json")
    imp = actions.add_parser("import", parents=[common], help="download audio hosted elsewhere once, measure it, record it")
    imp.add_argument("url", help="the audio's public http(s) URL")
    imp.add_argument("--episode", type=Path, required=True, metavar="FILE", help="the episode's Markdown file")
    actions.add_parser("verify", parents=[common], help="HEAD every URL in content/media.json: there, with the recorded size")


def main(args: argparse.Namespace) -> int:
    if args.media_command == "master":  # its own messages and exit codes (sitegen/mastering/command.py)
        return _master(args.episode, args.recording)
    if args.media_command == "push" and (missing := media_packages.check("build.py media push", media_packages.S3)):
        problem(missing)
        return 1
    from .store import StoreError

    root: Path = args.root.resolve()
    say: Callable[[str], None] = (lambda _: None) if args.quiet else print
    try:
        if args.media_command == "push":
            return _push(root, say)
        if args.media_command == "import":
            return _import(root, args.url, args.episode, say)
        return _verify(root, say)
    except BuildError as exc:
        problem(exc.report())
    except StoreError as exc:
        problem(f"build.py media {args.media_command}: {exc}")
    except KeyboardInterrupt:
        problem(f"build.py media {args.media_command}: stopped; content/media.json lists only verified objects")
        return 130
    return 1


def _master(episode: Path, recording: Path | None) -> int:
    master_main = media_packages.load_tool("build.py media master", media_packages.MASTERING, "sitegen.mastering.command", "main")
    return 1 if master_main is None else int(master_main(episode, recording))


def _push(root: Path, say: Callable[[str], None]) -> int:
    from .config import read_config
    from .manifest import read_manifest
    from .store import push

    config = read_config(root / "site.toml")
    manifest, found = read_manifest(root)
    if found:
        raise BuildError(found)
    report = push(config, manifest, say)
    say(f"pushed: {len(report.uploaded)} uploaded, {len(report.kept)} already there, in {report.seconds:.1f} s; "
        "commit content/media.json")
    return 0


def _import(root: Path, url: str, episode: Path, say: Callable[[str], None]) -> int:
    from .config import read_config
    from .manifest import read_manifest, write_manifest
    from .problems import Problem, rel
    from .sources import SourceDoc, read_source
    from .store import import_entry

    path = (episode if episode.is_absolute() else Path.cwd() / episode).resolve()
    shown = rel(path, root)
    if path.parent != root / "content" / "episodes" or path.suffix != ".md" or not path.is_file():
        raise BuildError([Problem(str(episode), 0, "not an episode file; name one such as content/episodes/008-hills.md")])
    doc = read_source(path, shown, "episodes")
    if not isinstance(doc, SourceDoc):
        raise BuildError(list(doc))
    manifest, found = read_manifest(root)
    if found:
        raise BuildError(found)
    name, entry = import_entry(url, doc)
    write_manifest(root, {**manifest.entries, name: entry})
    say(f"{name}: {entry.length} bytes, {entry.seconds:.0f} s, {entry.mime}; recorded in content/media.json (commit it)")
    if "://" not in name and (path.parent / name).exists() and not read_config(root / "site.toml").media.s3:
        say(f"note: {name} is also beside the episode, and with [media] storage = \"repository\" the build publishes "
            "that file; delete it to publish the imported URL")
    return 0


def _verify(root: Path, say: Callable[[str], None]) -> int:
    from .manifest import read_manifest
    from .store import verify

    manifest, found = read_manifest(root)
    if found:
        raise BuildError(found)
    problems = verify(manifest)
    if problems:
        problem("\n".join(problems))
        return 1
    say(f"verified: {len(manifest.entries)} files in content/media.json are there with their recorded size")
    return 0
