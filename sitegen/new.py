"""`build.py new episode|article|drill "Title"`: start a content file from the schema.

The front matter is generated from sitegen.schema, so the template can never drift from
what the engine validates: every field appears once, in schema order, under a comment taken
from its doc. Required fields are filled in (title, today's date, the next number or order,
a fresh guid, the schema's example for the rest); optional ones are commented out, ready to
switch on by deleting the "# ". The file starts as `draft: true`.
"""
from __future__ import annotations

import json
import re
import textwrap
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from .convert import slugify
from .frontmatter import parse_yaml, split_front_matter
from .problems import BuildError
from .say import Say
from .sources import read_author_text
from .schema import ARTICLE, DRILL, EPISODE, Field

KINDS: dict[str, tuple[str, tuple[Field, ...]]] = {
    "episode": ("episodes", EPISODE),
    "article": ("articles", ARTICLE),
    "drill": ("drills", DRILL),
}
MAX_SLUG = 60
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_WIDTH = 96

BODIES = {
    "episode": """\
Replace this paragraph with the show notes' opening: what this episode is about and why a
runner should care. When the episode is narrated, this text is the "Introduction" chapter.

## The first part

Each `## ` heading starts a section of the notes and, in narrated audio, a chapter. Link to
other pages with site paths such as [the first drill](/drills/first-steps/).

## What to try this week

End with something practical: a drill, a dose, a warning sign to stop at.
""",
    "article": """\
Replace this paragraph with the article's opening: the question it answers, in plain words.

## The first section

Start every section with a `## ` heading. Tables use the pipe syntax:

| What | How much |
| --- | --- |
| Backward walking | 5 minutes |

## What it means for a runner

Close with the practical takeaway, and cite the studies in `references:` above.
""",
    "drill": """\
Replace this text with 150-300 words: what the drill is for, how to do it step by step,
and when to move on.

Common mistakes:

- **The first mistake.** Why it happens and how to fix it.
- **The second mistake.** Why it happens and how to fix it.
""",
}


class NewError(Exception):
    """Why a file was not created; the message says what to do instead."""


@dataclass(frozen=True, slots=True)
class Created:
    path: Path
    kind: str
    slug: str
    number: int | None  # episode number or drill order
    guid: str | None


def create(root: Path, kind: str, title: str, *, today: date | None = None, slug: str | None = None,
           new_uuid: Callable[[], uuid.UUID] = uuid.uuid4) -> Created:
    """Write the new file under root/content and return what was made; raise NewError instead of overwriting."""
    if kind not in KINDS:
        raise NewError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    title = " ".join(title.split())
    if not title:
        raise NewError("the title is empty; give one in quotes, e.g. new episode \"Hills, backward\"")
    slug = slug if slug is not None else make_slug(title)
    if not _SLUG.fullmatch(slug):
        raise NewError(f"cannot make a file name from {title!r}; add --slug with lowercase letters, digits and hyphens")
    section, _fields = KINDS[kind]
    folder = root / "content" / section
    today = today or show_today(root)
    number = guid = None
    if kind == "episode":
        taken = [p for p in folder.glob(f"*-{slug}.md") if re.fullmatch(rf"\d+-{re.escape(slug)}\.md", p.name)]
        if taken:
            raise NewError(f"an episode with the slug {slug!r} already exists: {_shown(taken[0], root)}; "
                           "pick another title or pass --slug")
        number = next_number(folder, "number", name_prefix=True)
        stem = f"{number:03d}-{slug}"
        guid = str(new_uuid())
    elif kind == "drill":
        number = next_number(folder, "order")
        stem = slug
    else:
        stem = slug
    path = folder / f"{stem}.md"
    if path.exists():
        raise NewError(f"{_shown(path, root)} already exists; nothing was written. Edit it, or pick another title or --slug")
    text = render(kind, title, stem=stem, today=today, number=number, guid=guid)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:  # "x": never overwrite, even in a race
            fh.write(text)
    except FileExistsError:
        raise NewError(f"{_shown(path, root)} already exists; nothing was written") from None
    return Created(path, kind, slug, number, guid)


def render(kind: str, title: str, *, stem: str, today: date, number: int | None = None, guid: str | None = None) -> str:
    """The whole file: front matter from the schema, then the body skeleton."""
    _section, fields = KINDS[kind]
    values = {"title": json.dumps(title, ensure_ascii=False), "date": today.isoformat(), "draft": "true"}
    if kind == "episode":
        values["number"] = str(number)
        values["guid"] = json.dumps(guid)
    if kind == "drill":
        values["order"] = str(number)
    return "---\n" + front_matter(fields, values, stem) + "---\n" + BODIES[kind]


def front_matter(fields: tuple[Field, ...], values: dict[str, str], stem: str) -> str:
    """One commented entry per field; a field is live when required or given a value."""
    out: list[str] = []
    for f in fields:
        live = f.required or f.name in values
        doc = f.doc if f.required else f"Optional. {f.doc}"
        out += textwrap.wrap(doc, _WIDTH - 2, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)
        value = values.get(f.name, f.example.replace("{stem}", stem).replace("{uuid}", str(uuid.uuid4())))
        entry = f"{f.name}:{value}" if value.startswith("\n") else f"{f.name}: {value}"
        out += [line if live else f"# {line}" for line in entry.splitlines()]
    return "\n".join(out) + "\n"


def show_today(root: Path, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> date:
    """Today in the show's time zone ([site] timezone), so a late-evening author gets the show's date."""
    from .config import read_config
    from .problems import BuildError

    try:
        zone = read_config(root / "site.toml").timezone
    except BuildError:
        return now().astimezone().date()  # the computer's own zone; check reports the broken config
    return now().astimezone(zone).date()


def make_slug(title: str) -> str:
    """Lowercase words joined by hyphens, apostrophes dropped ("They're here" -> theyre-here), at most MAX_SLUG long."""
    slug = slugify(re.sub(r"['\u2019]", "", title))
    if len(slug) > MAX_SLUG:
        cut = slug[: MAX_SLUG + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_SLUG]
    return slug.strip("-")


def next_number(folder: Path, key: str, *, name_prefix: bool = False) -> int:
    """One more than the highest `key` in the folder's files (and NNN- file name prefixes)."""
    highest = 0
    for path in folder.glob("*.md") if folder.is_dir() else ():
        if path.name.startswith((".", "_")):
            continue
        if name_prefix:
            m = re.match(r"(\d+)-", path.name)
            if m:
                highest = max(highest, int(m.group(1)))
        try:
            split = split_front_matter(read_author_text(path, path.as_posix()))
        except BuildError as exc:  # the number cannot be known while a file is unreadable
            raise NewError(f"{exc.problems[0]}; fix it first, then run `new` again") from None
        if split is None:
            continue
        data = parse_yaml(split[0]).data
        value = data.get(key) if isinstance(data, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            highest = max(highest, value)
    return highest + 1


def next_steps(created: Created, root: Path) -> list[str]:
    """What to do after `new`, as printed by the command."""
    shown = _shown(created.path, root)
    if created.kind == "episode":
        mp3 = created.path.with_suffix(".mp3")
        return [
            f"created {shown} (episode {created.number}, a draft)",
            "next steps:",
            "  1. write the summary and the show notes in that file",
            f"  2. add the audio as {_shown(mp3, root)}, either",
            "       narrated: delete the '# ' before `transcript:` in the file, then run",
            f"         python build.py narrate {shown}",
            f"       or recorded: save the export as recordings/{created.path.stem}.wav (or .flac, .m4a, .mp3), then run",
            f"         python build.py media master {shown}",
            "  3. check:                                    python build.py check --drafts",
            "  4. preview (drafts shown, reloads on save):  python build.py serve",
            "  5. publish: set `draft: false`, commit, open a pull request (docs/authoring.md)",
        ]
    return [
        f"created {shown} ({created.kind}{f' {created.number} in the guide' if created.kind == 'drill' else ''}, a draft)",
        "next steps:",
        "  1. fill in the front matter and write the body in that file",
        "  2. check:                                    python build.py check --drafts",
        "  3. preview (drafts shown, reloads on save):  python build.py serve",
        "  4. publish: set `draft: false`, commit, open a pull request (docs/authoring.md)",
    ]


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)


def main(root: Path, kind: str, title: str, *, slug: str | None = None, day: date | None = None,
         quiet: bool = False, verbose: bool = False) -> int:
    """The `new` subcommand: 0 when the file was created, 1 (with a message on stderr) when not."""
    talk = Say(quiet=quiet, verbose=verbose)
    try:
        created = create(root, kind, title, today=day, slug=slug)
    except NewError as exc:
        talk.problem(f"error: {exc}")
        return 1
    for line in next_steps(created, root):
        talk.info(line)
    if created.guid:
        talk.step(f"guid {created.guid} (the episode's permanent id in the feed; never change it)")
    return 0
