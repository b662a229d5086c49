"""`build.py serve`: preview the site as GitHub Pages will serve it, rebuilding on every edit.

- Builds with drafts and future posts (the pages flag them) into .cache/serve/, never _site/.
- Serves that folder on 127.0.0.1 under the site's subpath (e.g. /retro-stride/), built with
  base URL http://127.0.0.1:PORT/<subpath>/ so every link stays on the preview.
- Watches content/, templates/, static/ and site.toml: notified by the kernel (watchfiles),
  or by polling modification times where notifications are not available.
- A broken edit prints its problems and keeps the last good build on screen; the atomic
  write leaves the output untouched, and open pages show the problems in a banner.
- Open pages reload themselves: HTML *responses* (never the built files) get a small script
  that asks /__reload for the build number and is answered as soon as a rebuild ends.

Where things are: http.py answers requests (Host check, subpath and 404 rules, byte ranges,
/__reload) and injects reload.js; watch.py says what is watched and when to look; devserver.py
holds DevServer (rebuilds, the build state pages wait on, the run loop); main is the command.
"""
from __future__ import annotations

from pathlib import Path

from ..say import Say, shown_folder
from .devserver import DevServer, Rebuild
from .http import HOST, RELOAD_PATH, inject_reload
from .watch import WATCHED, snapshot

__all__ = ["HOST", "RELOAD_PATH", "WATCHED", "DevServer", "Rebuild", "inject_reload", "main", "snapshot"]


def main(root: Path, *, port: int = 8000, out: Path | None = None, pdf: bool = True,
         quiet: bool = False, verbose: bool = False) -> int:
    """The `serve` subcommand."""
    talk = Say(quiet=quiet, verbose=verbose)
    dev = DevServer(root, port=port, out=out, pdf=pdf, say=talk.info, warn=talk.problem, verbose=verbose)
    if not (root / "site.toml").is_file():
        talk.problem(f"error: no site.toml in {root}; run serve in the project folder or pass --root")
        return 1
    try:
        url = dev.start()
    except OSError as exc:
        talk.problem(f"error: {exc}")
        return 1
    first = "first build ok" if dev.version else "first build failed (problems above); fix them and it rebuilds"
    talk.always(f"serving {url}  ({first}; drafts and future posts included, output in {shown_folder(dev.out_dir)})")
    talk.info(f"watching {', '.join(WATCHED)} for changes; press Ctrl+C to stop")
    try:
        dev.run(quiet=quiet)
    finally:
        dev.stop()
        talk.info("stopped")
    return 0
