"""Write a synthetic Retro Stride project of N posts, deterministic from a seed.

    python bench/corpus.py --posts 5000 --seed 1 --out bench/out/site-5000

The result is a complete project in the engine's content format (docs/authoring.md):
site.toml, templates/ and static/ copied from this repository, about half the posts as
episodes (remote https audio with length and duration, plus a handful with a small local
MP3 so probing is exercised), the other half as articles, a few drills, a six-week
program and an about page. Every date is in the past, so `build.py check` passes.
"""
from __future__ import annotations

import argparse
import array
import math
import random
import re
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parent.parent
MARKER = ".retro-bench-corpus"  # lets a later run replace a folder this script made, and nothing else
FIRST_DAY = date(2016, 1, 4)
LAST_DAY = date(2026, 10, 31)
LOCAL_AUDIO_EPISODES = 5

TAGS = (
    "balance", "posterior chain", "knees", "hamstrings", "evidence", "running economy", "beginners", "safety",
    "treadmill", "hills", "warm-up", "rehab", "strength", "history", "coaching", "youth athletes", "speed",
    "plyometrics", "ankles", "calves", "quadriceps", "gait", "proprioception", "recovery", "injury prevention",
    "trail running", "marathon", "sprinting", "older runners", "mobility",
)
TOPICS = (
    "backward walking", "retro running", "the reverse stride", "backward hill walks", "treadmill retro walking",
    "backward jogging", "the toe-first landing", "reverse strides", "backward intervals", "the shoulder check",
    "retro walking for knees", "backward sprints", "hamstring length", "quad strength", "ankle control",
    "backward lunges", "a backward warm-up", "reverse drills", "the backward cool-down", "retro hill repeats",
)
TITLE_FORMS = (
    "What {topic} does for {goal}", "{Topic}, step by step", "A runner's guide to {topic}",
    "Why {topic} helps {goal}", "{Topic} and {goal}: what the studies say", "Getting started with {topic}",
    "Common mistakes with {topic}", "How often to practise {topic}", "{Topic} for {who}",
    "The case for {topic}", "Five questions about {topic}", "{Topic} after an injury",
)
GOALS = (
    "your knees", "running economy", "balance", "hamstring flexibility", "sprint speed", "hill running",
    "injury recovery", "older runners", "youth athletes", "marathon training", "trail confidence", "posture",
)
WHO = ("beginners", "masters runners", "coaches", "trail runners", "sprinters", "returning runners", "triathletes")
SUBJECTS = (  # (text, plural)
    ("Backward walking", False), ("Retro running", False), ("A short backward block", False),
    ("The reverse stride", False), ("Walking uphill backward", False), ("A treadmill session in reverse", False),
    ("Most beginners", True), ("Many coaches", True), ("One small study", False), ("A later review", False),
    ("Your calf muscles", True), ("The quadriceps", True), ("The knee joint", False), ("Your hamstrings", True),
    ("A slow backward jog", False), ("Good posture", False), ("A quick glance over the shoulder", False),
    ("The toe-first landing", False), ("Runners coming back from injury", True), ("A partner on the track", False),
)
VERBS = (  # (singular, plural)
    ("tends to ease", "tend to ease"), ("seems to improve", "seem to improve"), ("places more demand on", "place more demand on"),
    ("asks a lot of", "ask a lot of"), ("gently loads", "gently load"), ("changes the timing of", "change the timing of"),
    ("can strengthen", "can strengthen"), ("may protect", "may protect"), ("shifts work toward", "shift work toward"),
    ("trains", "train"), ("challenges", "challenge"), ("rarely harms", "rarely harm"), ("quietly builds", "quietly build"),
    ("makes you aware of", "make you aware of"), ("reshapes", "reshape"),
)
OBJECTS = (
    "the front of the thigh", "the load on the kneecap", "balance and coordination", "ankle stiffness",
    "the muscles around the hip", "your sense of where your feet are", "heart rate at an easy pace",
    "the length of the hamstrings", "stride frequency", "forward running economy", "the calf complex",
    "the way you land", "confidence on uneven ground", "the posterior chain", "short, quick steps",
)
TAILS = (
    "when it is done two or three times a week", "even at a very slow pace", "in the first few weeks",
    "as long as the ground is clear", "in people who already run regularly", "according to a small trial",
    "though the samples were small", "if you keep the steps short", "more than most people expect",
    "without any special equipment", "when combined with forward running", "for most healthy adults",
    "over a six-week block", "on a flat track or a quiet path", "when you start slowly",
)
ASIDES = (
    "Start with five minutes and build from there.", "Check the path behind you before every block.",
    "Keep your chest tall and your eyes level.", "There is no prize for going fast in the first month.",
    "If something hurts sharply, stop and walk forward.", "A treadmill with handrails is a good place to learn.",
    "Most of the studies involved fewer than forty people.", "Nobody looks as odd as they feel.",
    "Short, quick steps are easier to control than long ones.", "Add time before you add speed.",
    "A hill makes the same effort feel slower and safer.", "Let your arms swing as they do when you walk.",
)
HEADINGS = (
    "What the research says", "How to start", "Common mistakes", "A sample session", "Safety first",
    "Why it works", "What we still do not know", "Progressing over six weeks", "On the treadmill",
    "On the track", "On hills", "For coaches", "Questions from listeners", "The short version",
    "Equipment", "How it feels", "Warming up", "Cooling down", "Measuring progress", "When to stop",
)
LIST_ITEMS = (
    "Stand tall with your chest over your hips", "Land on the ball of the foot first", "Keep the steps short",
    "Glance over alternate shoulders", "Walk the stretch forward first", "Swing your arms naturally",
    "Rest with a minute of forward walking", "Stop at the first sign of dizziness", "Choose flat, even ground",
    "Hold the treadmill rail lightly at first", "Add one minute per week", "Avoid crowded paths",
)
REFERENCES = (
    ('"Roos PE, Barton N, van Deursen RWM"', '"Patellofemoral joint compression forces in backward and forward running"',
     '"Journal of Biomechanics"', 2012, '"45(9):1656-1660"', '"10.1016/j.jbiomech.2012.03.020"'),
    ('"Ordway JD, Laubach LL, Vanderburgh PM, Jackson KJ"',
     '"The Effects of Backwards Running Training on Forward Running Economy in Trained Males"',
     '"Journal of Strength and Conditioning Research"', 2016, '"30(3):763-767"', '"10.1519/JSC.0000000000001153"'),
    ('"Uthoff A, et al."',
     '"A New Direction to Athletic Performance: Understanding the Acute and Longitudinal Responses to Backward Running"',
     '"Sports Medicine"', 2018, '"48(5):1083-1096"', '"10.1007/s40279-018-0877-5"'),
)
DRILLS = (
    ("first-steps", "First steps backward", "beginner"), ("shoulder-check", "The shoulder check", "beginner"),
    ("toe-reach", "Toe reach", "beginner"), ("treadmill-retro-walk", "Treadmill retro walk", "beginner"),
    ("hill-retro-walk", "Backward hill walk", "intermediate"), ("backward-jog", "Backward jog", "intermediate"),
    ("backward-strides", "Backward strides", "advanced"), ("backward-intervals", "Backward intervals", "advanced"),
)
PLACES = ("track", "treadmill", "path", "hill", "field", "indoors")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Post:
    section: str  # episodes | articles
    slug: str
    title: str
    day: date
    number: int = 0  # episodes only

    @property
    def url(self) -> str:
        return f"/{self.section}/{self.slug}/"

    @property
    def file_name(self) -> str:
        return f"{self.number:03d}-{self.slug}.md" if self.section == "episodes" else f"{self.slug}.md"


# ---- text --------------------------------------------------------------------------------

class Writer:
    """Realistic-looking Markdown from pools built once, so thousands of bodies take seconds."""

    def __init__(self, rng: random.Random, posts: Sequence[Post]):
        self.rng = rng
        self.posts = posts
        self.sentences = [self._sentence() for _ in range(800)]
        self.words = [len(s.split()) for s in self.sentences]

    def _sentence(self) -> str:
        r = self.rng
        obj = r.choice(OBJECTS)
        style = r.random()
        if style < 0.08:
            obj = f"*{obj}*"
        elif style < 0.12:
            obj = f"**{obj}**"
        subject, plural = r.choice(SUBJECTS)
        text = f"{subject} {r.choice(VERBS)[plural]} {obj} {r.choice(TAILS)}."
        return text if r.random() > 0.25 else f"{text} {r.choice(ASIDES)}"

    def paragraph(self, budget: list[int]) -> str:
        r = self.rng
        out = []
        for _ in range(r.randint(3, 6)):
            i = r.randrange(len(self.sentences))
            out.append(self.sentences[i])
            budget[0] -= self.words[i]
        if r.random() < 0.3:
            other = r.choice(self.posts)
            out.append(f"We go into this further in [{other.title}]({other.url}).")
            budget[0] -= 7
        return " ".join(out)

    def bullet_list(self, budget: list[int]) -> str:
        items = self.rng.sample(LIST_ITEMS, self.rng.randint(3, 6))
        budget[0] -= 6 * len(items)
        mark = "1." if self.rng.random() < 0.3 else "-"
        return "\n".join(f"{mark} {item}." for item in items)

    def table(self, budget: list[int]) -> str:
        rows = ["| Week | Sessions | Minutes per session |", "| --- | --- | --- |"]
        for week in range(1, self.rng.randint(4, 7)):
            rows.append(f"| {week} | {self.rng.randint(2, 4)} | {5 + 2 * week} |")
        budget[0] -= 4 * len(rows)
        return "\n".join(rows)

    def body(self) -> str:
        r = self.rng
        budget = [r.randint(780, 1260)]  # sections overshoot by up to ~200 words: bodies land in 800-1,500
        blocks = [self.paragraph(budget), self.paragraph(budget)]
        for heading in r.sample(HEADINGS, len(HEADINGS)):
            if budget[0] <= 0:
                break
            blocks.append(f"## {heading}")
            blocks.append(self.paragraph(budget))
            extra = r.random()
            if extra < 0.3:
                blocks.append(self.bullet_list(budget))
            elif extra < 0.38:
                blocks.append(self.table(budget))
            while budget[0] > 0 and r.random() < 0.6:
                blocks.append(self.paragraph(budget))
        other = r.choice(self.posts)
        blocks.append(f"Next, read [{other.title}]({other.url}) or browse the [drill guide](/guide/).")
        return "\n\n".join(blocks) + "\n"

    def summary(self) -> str:
        return self.sentences[self.rng.randrange(len(self.sentences))].replace("*", "")


# ---- the plan ----------------------------------------------------------------------------

def slugify(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)


def make_title(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    title = rng.choice(TITLE_FORMS).format(topic=topic, Topic=topic[0].upper() + topic[1:],
                                           goal=rng.choice(GOALS), who=rng.choice(WHO))
    return title


def plan_posts(rng: random.Random, n: int) -> list[Post]:
    """Titles, unique slugs and past dates: episodes in date order by number, articles anywhere."""
    span = (LAST_DAY - FIRST_DAY).days
    n_episodes = n // 2
    seen: set[str] = set()
    posts = []
    for i in range(n):
        title = make_title(rng)
        slug = slugify(title)
        if slug in seen:
            slug = f"{slug}-{i}"
        seen.add(slug)
        if i < n_episodes:
            day = FIRST_DAY + timedelta(days=i * span // max(n_episodes, 1))
            posts.append(Post("episodes", slug, title, day, number=i + 1))
        else:
            posts.append(Post("articles", slug, title, FIRST_DAY + timedelta(days=rng.randrange(span))))
    return posts


# ---- front matter ------------------------------------------------------------------------

def clock(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def tag_line(rng: random.Random) -> str:
    return "[" + ", ".join(rng.sample(TAGS, rng.randint(1, 4))) + "]"


def references_yaml(rng: random.Random) -> str:
    if rng.random() > 0.25:
        return "references: []\n"
    authors, title, source, year, details, doi = rng.choice(REFERENCES)
    return (f"references:\n  - authors: {authors}\n    title: {title}\n    source: {source}\n"
            f"    year: {year}\n    details: {details}\n    doi: {doi}\n")


def episode_text(post: Post, rng: random.Random, writer: Writer, local_audio: bool) -> str:
    guid = uuid.UUID(int=rng.getrandbits(128), version=4)
    head = (f'---\ntitle: "{post.title}"\nnumber: {post.number}\nseason: {(post.number - 1) // 50 + 1}\n'
            f'date: {post.day.isoformat()}\nguid: "{guid}"\nsummary: "{writer.summary()}"\n')
    if local_audio:
        head += f"audio: {post.file_name[:-3]}.mp3\n"
    else:
        seconds = rng.randint(15 * 60, 75 * 60)
        starts = sorted(rng.sample(range(60, seconds - 60), rng.randint(2, 5)))
        head += (f"audio: https://media.example.com/retro-stride/{post.file_name[:-3]}.mp3\n"
                 f"length: {seconds * 16000}\nduration: \"{clock(seconds)}\"\nchapters:\n"
                 '  - start: "0:00"\n    title: "Introduction"\n')
        head += "".join(f'  - start: "{clock(s)}"\n    title: "{rng.choice(HEADINGS)}"\n' for s in starts)
    head += f"explicit: false\nepisode_type: full\ntags: {tag_line(rng)}\n{references_yaml(rng)}draft: false\n---\n"
    return head + writer.body()


def article_text(post: Post, rng: random.Random, writer: Writer) -> str:
    head = f'---\ntitle: "{post.title}"\ndate: {post.day.isoformat()}\nsummary: "{writer.summary()}"\n'
    if rng.random() < 0.2:
        head += f"updated: {min(post.day + timedelta(days=rng.randint(1, 400)), LAST_DAY).isoformat()}\n"
    head += f"tags: {tag_line(rng)}\n{references_yaml(rng)}---\n"
    return head + writer.body()


def drill_text(i: int, slug: str, title: str, level: str, rng: random.Random, posts: Sequence[Post]) -> str:
    related = ", ".join(f"{p.section}/{p.slug}" for p in rng.sample(list(posts), 2))
    where = ", ".join(rng.sample(PLACES, rng.randint(1, 3)))
    body = " ".join(rng.choice(ASIDES) for _ in range(14))
    return (f'---\ntitle: "{title}"\nsummary: "Practise {title.lower()} at an easy, controlled pace."\n'
            f"level: {level}\nwhere: [{where}]\ndose: \"{rng.randint(2, 4)} x {rng.randint(3, 8)} min, 1 min rest\"\n"
            f'cues: ["Tall posture", "Short steps", "Toes first"]\nsafety: ["Clear the lane first"]\n'
            f'progression: "Add one minute per block each week."\nstop_if: ["Sharp knee pain", "Dizziness"]\n'
            f"equipment: []\nrelated: [{related}]\norder: {i + 1}\n---\n{body}\n\n"
            f"- **Long steps.** They tip your weight back.\n- **Peering down.** Keep your head level.\n")


def program_text(rng: random.Random) -> str:
    lines = ['title: "Six weeks to backward running"',
             'summary: "Four weeks of backward walking, then two weeks of short backward jogs and strides."',
             "updated: 2025-06-01", "weeks:"]
    for week in range(1, 7):
        lines += [f"  - week: {week}", f'    focus: "Week {week}: build time before speed"', "    sessions:"]
        pool = [slug for slug, _, _ in DRILLS[: min(len(DRILLS), 2 + week)]]
        for day in sorted(rng.sample(DAYS, rng.randint(3, 4)), key=DAYS.index):
            lines.append(f'      - {{day: "{day}", drill: {rng.choice(pool)}, dose: "{rng.randint(8, 15)} min"}}')
    return "\n".join(lines) + "\n"


ABOUT = """---
title: "About Retro Stride"
summary: "A synthetic Retro Stride project made by bench/corpus.py for timing the build."
---
## What this is

This project was written by a script. Its posts look like real ones, in length and shape, so that
the time a build takes on it says something about the time a real show of this size would take.

## How to subscribe

The podcast feed lives at `/podcast.xml`.
"""


# ---- audio -------------------------------------------------------------------------------

def small_mp3(seconds: float = 2.0, rate: int = 22050) -> bytes:
    """A quiet tone as a real MP3, so the engine's probe has something to measure."""
    import lameenc

    pcm = array.array("h", (int(3000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate))))
    if sys.byteorder != "little":
        pcm.byteswap()
    enc = lameenc.Encoder()
    enc.set_bit_rate(32)
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(7)
    return bytes(enc.encode(pcm.tobytes()) + enc.flush())


# ---- writing -----------------------------------------------------------------------------

def prepare(out: Path) -> None:
    """Refuse to clobber a folder this script did not make."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SystemExit(f"{out} is not empty and was not made by bench/corpus.py; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by bench/corpus.py; safe to delete\n")


def local_audio_numbers(n_episodes: int) -> set[int]:
    step = max(n_episodes // LOCAL_AUDIO_EPISODES, 1)
    return {1 + i * step for i in range(min(LOCAL_AUDIO_EPISODES, n_episodes))}


def write_corpus(out: Path, posts_n: int, seed: int) -> list[Post]:
    rng = random.Random(seed)
    prepare(out)
    # The show's house rules ([editorial]: lengths, the synthetic voice) are about its own writing,
    # not about a speed corpus's filler text.
    toml = re.sub(r"(?ms)^\[editorial\]\n.*?(?=^\[)", "", (REPO / "site.toml").read_text(encoding="utf-8"))
    (out / "site.toml").write_text(toml, encoding="utf-8")
    shutil.copytree(REPO / "templates", out / "templates")
    shutil.copytree(REPO / "static", out / "static")
    content = out / "content"
    for section in ("episodes", "articles", "drills", "pages"):
        (content / section).mkdir(parents=True)
    posts = plan_posts(rng, posts_n)
    writer = Writer(rng, posts)
    episodes = [p for p in posts if p.section == "episodes"]
    local = local_audio_numbers(len(episodes))
    mp3 = small_mp3() if local else b""
    for post in posts:
        path = content / post.section / post.file_name
        if post.section == "episodes":
            path.write_text(episode_text(post, rng, writer, post.number in local), encoding="utf-8")
            if post.number in local:
                path.with_suffix(".mp3").write_bytes(mp3)
        else:
            path.write_text(article_text(post, rng, writer), encoding="utf-8")
    for i, (slug, title, level) in enumerate(DRILLS):
        (content / "drills" / f"{slug}.md").write_text(drill_text(i, slug, title, level, rng, posts), encoding="utf-8")
    (content / "drills" / "_program.yaml").write_text(program_text(rng), encoding="utf-8")
    (content / "pages" / "about.md").write_text(ABOUT, encoding="utf-8")
    return posts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic Retro Stride project for benchmarks.")
    parser.add_argument("--posts", type=int, default=1000, help="episodes + articles (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced if made by this script)")
    args = parser.parse_args(argv)
    if args.posts < 2:
        parser.error("--posts must be at least 2")
    posts = write_corpus(args.out, args.posts, args.seed)
    n_ep = sum(p.section == "episodes" for p in posts)
    print(f"wrote {n_ep} episodes, {len(posts) - n_ep} articles, {len(DRILLS)} drills into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
