"""Narrate an episode: its Markdown body becomes a spoken MP3, a WebVTT transcript and chapters.

    python -m sitegen.narrate content/episodes/001-why-walk-backward.md [...]

The script is "Retro Stride. Episode N: Title." and then the body as plain speakable text;
the text before the first `## ` heading is the "Introduction" chapter and each `## ` heading
starts a chapter (the heading is spoken too). Every sentence is synthesised on its own, so
the cue and chapter times are measured, not estimated. Writes the episode's `audio:` MP3
(mono, 64 kbps CBR, ID3 tags and cover art), its `transcript:` VTT, and rewrites only the
`chapters:` block of the front matter. Output is deterministic: byte-identical on a re-run.

Voice: Festival with the HTS voice cmu_us_slt_arctic_hts (Debian: festival,
festvox-us-slt-hts). Debian 12 main has no MBROLA, so the candidates were espeak-ng (formant),
flite 2.2 (slt/kal16/rms/awb), Festival diphone kal and Festival HTS slt. All rendered cleanly
(sox stats: no clipped samples). HTS slt is the statistical-parametric voice, trained on a
real speaker, that is generally judged the most natural of these; it is also the only one at
32 kHz (full band to 16 kHz, others 8-11 kHz), speaks at a natural 167 words/min and has a wider
pitch range than flite's slt (5.1 vs 3.2 semitones, 5-95 %). It is quieter (RMS -24.5 dBFS),
so the narration is normalised to RMS -20 dBFS, peak at most -1 dBFS.
"""
from __future__ import annotations

import array
import datetime as dt
import io
import json
import math
import operator
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import wave
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import lameenc
import markdown
from mutagen.id3 import APIC, ID3, TALB, TCON, TDRC, TIT2, TPE1, TPE2, TRCK
from PIL import Image

from .frontmatter import parse_yaml
from .models import Chapter, format_clock
from .problems import BuildError
from .sources import read_author_text

SHOW = "Retro Stride"
VOICE = "cmu_us_slt_arctic_hts"  # a Festival voice; its voice_NAME function selects it
SYNTHESISER = "festival"
APT_PACKAGES = ("festival", "festvox-us-slt-hts")
APT_HINT = "apt-get install -y " + " ".join(APT_PACKAGES)

SAMPLE_RATE = 32000  # the voice's own rate; MPEG-1 Layer III supports it
BITRATE_KBPS = 64
LAME_QUALITY = 2
MAX_MP3_BYTES = 4_000_000  # "under 4 MB" whichever way a MB is counted

LEAD_IN_MS = 300
SENTENCE_PAUSE_MS = 250
PARAGRAPH_PAUSE_MS = 400
SECTION_PAUSE_MS = 700
TAIL_MS = 500

TARGET_RMS_DBFS = -20.0  # of the speech, pauses excluded
PEAK_CEILING_DBFS = -1.0
TRIM_THRESHOLD = 100  # |sample| below this (about -50 dBFS) at a piece's edges is silence
TRIM_LEAD_MS = 15
TRIM_TAIL_MS = 40
FADE_MS = 8

COVER_REL = Path("static/img/cover.jpg")
COVER_SIZE = 600
COVER_QUALITY = 88
ID3_PADDING = 512
SYNTH_TIMEOUT_S = 1800

_MD_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "sane_lists"]


class NarrationError(Exception):
    """A problem that stops one episode's narration; the message says what to do."""


class SynthesiserMissing(NarrationError):
    pass


@dataclass(frozen=True, slots=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True, slots=True)
class NarrationResult:
    md_path: Path
    audio_path: Path
    transcript_path: Path
    duration_s: float  # of the PCM that was encoded
    mp3_bytes: int
    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]
    voice: str = VOICE


# ---------------------------------------------------------------- the script


@dataclass(slots=True)
class _Sentence:
    display: str  # as shown in the transcript
    spoken: str  # as given to the synthesiser (ASCII, expanded)


@dataclass(slots=True)
class _Section:
    title: str
    paragraphs: list[list[_Sentence]]


_BLOCK_KIND = {"h2": "h2", "li": "item", "dt": "item", "tr": "item", "p": "para", "dd": "para",
               "blockquote": "para", "h1": "heading", "h3": "heading", "h4": "heading",
               "h5": "heading", "h6": "heading", "table": "para", "ul": "para", "ol": "para",
               "dl": "para", "div": "para"}
_SKIP = {"pre", "script", "style", "img"}


class _BlockCollector(HTMLParser):
    """Rendered Markdown to (kind, text) blocks: emphasis and links keep only their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._buf: list[str] = []
        self._kinds: list[str] = ["para"]
        self._skip_tag: str | None = None
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        a = dict(attrs)
        if tag in _SKIP or (tag == "sup" and (a.get("id") or "").startswith("fnref")) or (
            tag == "div" and "footnote" in (a.get("class") or "").split()
        ):
            if tag != "img":
                self._skip_tag, self._skip_depth = tag, 1
            return
        if tag in ("td", "th"):
            if "".join(self._buf).strip():
                self._buf.append(", ")
            return
        if tag in ("br", "hr"):
            self._buf.append(" ")
            if tag == "hr":
                self._flush()
            return
        if tag in _BLOCK_KIND:
            self._flush()
            kind = _BLOCK_KIND[tag]
            if tag == "p" and self._kinds[-1] == "item":
                kind = "item"  # a loose list item's paragraph
            self._kinds.append(kind)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            return
        if tag in _BLOCK_KIND:
            self._flush()
            if len(self._kinds) > 1:
                self._kinds.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf.clear()
        if text:
            self.blocks.append((self._kinds[-1], text))


_ABBREVIATIONS = {"e.g", "i.e", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "al", "fig", "figs",
                  "approx", "cf", "jr", "sr", "ca", "no"}
_SPLIT = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at sentence ends, not after common abbreviations or initials."""
    out: list[str] = []
    start = 0
    for m in _SPLIT.finditer(text):
        before = text[start : m.start() + 1]
        word = re.search(r"([A-Za-z][A-Za-z.]*)\.$", before)
        if word and text[m.start()] == ".":
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or len(w) == 1:
                continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _as_sentence(text: str) -> str:
    text = text.strip().rstrip(":;,").rstrip()
    return text if _TERMINAL.search(text) else text + "."


_UNITS = [  # after a number: (pattern, singular, plural)
    (r"km/h|kph", "kilometre per hour", "kilometres per hour"),
    (r"mph", "mile per hour", "miles per hour"),
    (r"bpm", "beat per minute", "beats per minute"),
    (r"km", "kilometre", "kilometres"),
    (r"cm", "centimetre", "centimetres"),
    (r"mm", "millimetre", "millimetres"),
    (r"kg", "kilogram", "kilograms"),
    (r"lbs?", "pound", "pounds"),
    (r"mi", "mile", "miles"),
    (r"m", "metre", "metres"),
    (r"mins?", "minute", "minutes"),
    (r"secs?|s", "second", "seconds"),
    (r"hrs?|h", "hour", "hours"),
]
_UNIT_RE = re.compile(r"\b(\d+(?:\.\d+)?)\s?(" + "|".join(p for p, _, _ in _UNITS) + r")(?![A-Za-z0-9])")
_WORDS = [
    (r"\be\.g\.,?", "for example,"), (r"\bi\.e\.,?", "that is,"), (r"\bvs\.?(?=\s)", "versus"),
    (r"\bet al\.", "and colleagues"), (r"\bapprox\.", "approximately"), (r"\betc\.", "et cetera."),
    (r"\bcf\.", "compare"), (r"&", " and "), (r"\+", " plus "), (r"=", " equals "),
    (r"/(week|day|hour|minute|min|session|side|leg)\b", r" per \1"),
    (r"/km\b", " per kilometre"), (r"/mi\b", " per mile"),  # paces: 5:30/km, 6 min/km
]
_CHARS = {"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "—": ", ",
          "…": "...", "°": " degrees", "×": " times ", "½": " and a half", "¼": " and a quarter",
          "¾": " and three quarters", "±": " plus or minus ", "≈": " about ", "→": " to ",
          "€": " euros ", "£": " pounds ", "\u00a0": " ", "\u2009": " ", "\u202f": " "}


def speakable(text: str) -> str:
    """Display text to what the synthesiser should read: ASCII, units and abbreviations expanded."""
    text = re.sub(r"(\d)\s*[–-]\s*(\d)", r"\1 to \2", text)  # 10-15, 3–4
    text = text.replace("–", ", ")
    text = "".join(_CHARS.get(c, c) for c in text)
    text = re.sub(r"\bhttps?://(?:www\.)?([^/\s]+)\S*", r"\1", text)  # a bare URL: its site only
    text = re.sub(r"\b(\d+)\s?x\s?(\d+)\b", r"\1 times \2", text)  # 2 x 5 min
    for pattern, repl in _WORDS:
        text = re.sub(pattern, repl, text)

    def unit(m: re.Match[str]) -> str:
        for pattern, one, many in _UNITS:
            if re.fullmatch(pattern, m.group(2)):
                return f"{m.group(1)} {one if m.group(1) == '1' else many}"
        return m.group(0)  # pragma: no cover

    text = _UNIT_RE.sub(unit, text)
    text = re.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", " or ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if ord(c) < 128 and (c.isprintable() or c == " "))
    text = " ".join(text.replace(" ,", ",").split())
    text = text.rstrip(":;,").rstrip()
    return text if re.search(r"[.!?][\"')\]]*$", text) else text + "."


def _sentence(display: str) -> _Sentence | None:
    display = _as_sentence(display)
    spoken = speakable(display)
    if not re.search(r"[A-Za-z0-9]", spoken):
        return None
    return _Sentence(display, spoken)


def build_script(number: int, title: str, body: str) -> list[_Section]:
    """The spoken script as sections of paragraphs of sentences."""
    html = markdown.Markdown(extensions=_MD_EXTENSIONS, output_format="html").convert(body)
    collector = _BlockCollector()
    collector.feed(html)
    collector.close()
    title_line = f"Episode {number}: {title.strip()}"
    opening = [s for s in (_sentence(f"{SHOW}."), _sentence(title_line)) if s]
    sections = [_Section("Introduction", [opening])]
    for kind, text in collector.blocks:
        if kind == "h2":
            head = _sentence(text)
            sections.append(_Section(text.rstrip(":").strip(), [[head] if head else []]))
            continue
        parts = [text] if kind == "heading" else split_sentences(text)
        para = [s for s in map(_sentence, parts) if s]
        if para:
            sections[-1].paragraphs.append(para)
    return sections


# ---------------------------------------------------------------- synthesis


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def synthesise(sentences: list[str], workdir: Path) -> list[Path]:
    """Synthesise each text to its own WAV in one Festival process; returns the paths in order."""
    exe = shutil.which(SYNTHESISER)
    if exe is None:
        raise SynthesiserMissing(
            f"the speech synthesiser '{SYNTHESISER}' is not installed; run: {APT_HINT}"
        )
    paths = [workdir / f"s{i:05d}.wav" for i in range(len(sentences))]
    lines = [
        f"(voice_{VOICE})",
        "(define (rs_say text file) (utt.save.wave (utt.synth (eval (list 'Utterance 'Text text))) file 'riff))",
    ]
    lines += [f"(rs_say {_scheme_string(t)} {_scheme_string(str(p))})" for t, p in zip(sentences, paths)]
    lines.append('(format t "RS-NARRATE-DONE\\n")')
    script = workdir / "narrate.scm"
    script.write_text("\n".join(lines) + "\n", encoding="ascii")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C", LC_ALL="C")
    try:
        proc = subprocess.run([exe, "-b", str(script)], capture_output=True, text=True,
                              errors="replace", timeout=SYNTH_TIMEOUT_S, env=env, cwd=workdir)
    except subprocess.TimeoutExpired as exc:
        raise NarrationError(f"{SYNTHESISER} took over {SYNTH_TIMEOUT_S} s; is the text unusually long?") from exc
    output = (proc.stdout + proc.stderr).strip()
    if f"voice_{VOICE}" in output and "unbound" in output:
        raise SynthesiserMissing(f"the Festival voice {VOICE} is not installed; run: {APT_HINT}")
    missing = [i for i, p in enumerate(paths) if not p.exists()]
    if proc.returncode != 0 or missing or "RS-NARRATE-DONE" not in proc.stdout:
        which = f" at sentence {missing[0] + 1}: {sentences[missing[0]]!r}" if missing else ""
        tail = "\n".join(output.splitlines()[-8:])
        raise NarrationError(f"{SYNTHESISER} failed{which} (exit {proc.returncode}):\n{tail}\n"
                             f"check the installation: {APT_HINT}")
    return paths


def _read_wav(path: Path) -> array.array:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise NarrationError(f"{path}: expected 16-bit PCM from {SYNTHESISER}")
        channels, rate = w.getnchannels(), w.getframerate()
        pcm = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":  # pragma: no cover
        pcm.byteswap()
    if channels > 1:
        pcm = array.array("h", (sum(pcm[i : i + channels]) // channels for i in range(0, len(pcm), channels)))
    if rate != SAMPLE_RATE:
        pcm = _resample(pcm, rate, SAMPLE_RATE)
    return pcm


def _resample(pcm: array.array, src: int, dst: int) -> array.array:
    """Linear interpolation; only used if a voice does not speak at SAMPLE_RATE."""
    n = len(pcm) * dst // src
    out = array.array("h", bytes(2 * n))
    last = len(pcm) - 1
    for i in range(n):
        pos = i * src / dst
        j = int(pos)
        k = min(j + 1, last)
        out[i] = int(round(pcm[j] + (pcm[k] - pcm[j]) * (pos - j)))
    return out


def _trim(pcm: array.array) -> array.array:
    """Cut the synthesiser's own leading/trailing silence (keeping a margin) and fade the edges."""
    first = next((i for i, s in enumerate(pcm) if abs(s) > TRIM_THRESHOLD), None)
    if first is None:
        return pcm
    last = next(i for i in range(len(pcm) - 1, -1, -1) if abs(pcm[i]) > TRIM_THRESHOLD)
    a = max(0, first - TRIM_LEAD_MS * SAMPLE_RATE // 1000)
    b = min(len(pcm), last + 1 + TRIM_TAIL_MS * SAMPLE_RATE // 1000)
    out = pcm[a:b]
    fade = min(FADE_MS * SAMPLE_RATE // 1000, len(out) // 2)
    for i in range(fade):
        out[i] = out[i] * i // fade
        out[-1 - i] = out[-1 - i] * i // fade
    return out


def _samples(ms: int) -> int:
    return ms * SAMPLE_RATE // 1000


def _silence(samples: int) -> array.array:
    return array.array("h", bytes(2 * samples))  # from bytes: `samples` zero samples


def _ms(samples: int) -> int:
    return samples * 1000 // SAMPLE_RATE


def render(sections: list[_Section], workdir: Path) -> tuple[array.array, list[Cue], list[Chapter]]:
    """Synthesise and lay out the script: PCM at SAMPLE_RATE, one cue per sentence, chapters."""
    texts = sorted({s.spoken for sec in sections for para in sec.paragraphs for s in para})
    waves = dict(zip(texts, synthesise(texts, workdir)))
    pieces = {t: _trim(_read_wav(p)) for t, p in waves.items()}

    pcm = _silence(_samples(LEAD_IN_MS))
    cues: list[Cue] = []
    chapters: list[Chapter] = []
    speech_sq = speech_n = 0
    peak = 1
    for si, sec in enumerate(sections):
        if si:
            pcm.extend(_silence(_samples(SECTION_PAUSE_MS)))
            # start times floor to whole seconds and must ascend: keep chapters >= 1 s apart
            need = (int(chapters[-1].seconds) + 1) * SAMPLE_RATE
            if len(pcm) < need:
                pcm.extend(_silence(need - len(pcm)))
        chapters.append(Chapter(dt.timedelta(seconds=0 if si == 0 else len(pcm) // SAMPLE_RATE), sec.title))
        for pi, para in enumerate(sec.paragraphs):
            if pi and para:  # the show and episode announcement is followed by a section pause
                pause = SECTION_PAUSE_MS if (si, pi) == (0, 1) else PARAGRAPH_PAUSE_MS
                pcm.extend(_silence(_samples(pause)))
            for ti, sentence in enumerate(para):
                if ti:
                    pcm.extend(_silence(_samples(SENTENCE_PAUSE_MS)))
                piece = pieces[sentence.spoken]
                start = len(pcm)
                pcm.extend(piece)
                if piece:
                    speech_sq += sum(map(operator.mul, piece, piece))
                    speech_n += len(piece)
                    peak = max(peak, max(piece), -min(piece))
                cues.append(Cue(_ms(start), max(_ms(len(pcm)), _ms(start) + 1), sentence.display))
    pcm.extend(_silence(_samples(TAIL_MS)))

    rms = math.sqrt(speech_sq / speech_n) if speech_n else 1.0
    gain = min(10 ** (TARGET_RMS_DBFS / 20) * 32768 / max(rms, 1.0),
               10 ** (PEAK_CEILING_DBFS / 20) * 32767 / peak)
    if abs(gain - 1) > 0.01:
        g = round(gain * 65536)  # fixed point, so the result is exact and repeatable
        step = 1 << 20
        for i in range(0, len(pcm), step):
            pcm[i : i + step] = array.array("h", [(s * g + 32768) >> 16 for s in pcm[i : i + step]])
    return pcm, cues, chapters


def encode_mp3(pcm: array.array) -> bytes:
    enc = lameenc.Encoder()
    enc.set_bit_rate(BITRATE_KBPS)
    enc.set_in_sample_rate(SAMPLE_RATE)
    enc.set_out_sample_rate(SAMPLE_RATE)
    enc.set_channels(1)
    enc.set_quality(LAME_QUALITY)
    data = pcm.tobytes() if sys.byteorder == "little" else _swapped(pcm)
    return bytes(enc.encode(data) + enc.flush())


def _swapped(pcm: array.array) -> bytes:  # pragma: no cover - big-endian hosts
    b = array.array("h", pcm)
    b.byteswap()
    return b.tobytes()


# ---------------------------------------------------------------- outputs


def format_chapter_time(seconds: float) -> str:
    return format_clock(dt.timedelta(seconds=int(seconds)))


def _vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_vtt(cues: list[Cue]) -> str:
    out = ["WEBVTT", ""]
    for cue in cues:
        out += [f"{_vtt_time(cue.start_ms)} --> {_vtt_time(cue.end_ms)}", _vtt_text(cue.text), ""]
    return "\n".join(out)


def chapters_block(chapters: list[Chapter], newline: str = "\n") -> str:
    lines = ["chapters:"]
    for ch in chapters:
        lines += [f'  - start: "{ch.clock}"', f"    title: {json.dumps(ch.title, ensure_ascii=False)}"]
    return newline.join(lines) + newline


_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


def rewrite_chapters(md_text: str, chapters: list[Chapter]) -> str:
    """Replace the `chapters:` block (to the next top-level key) or add it; no other line changes."""
    lines = md_text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    start = next((i for i in range(1, end) if re.match(r"^chapters\s*:", lines[i])), None)
    block = chapters_block(chapters, newline)
    if start is None:
        return "".join(lines[:end]) + block + "".join(lines[end:])
    stop = start + 1
    while stop < end and (not lines[stop].strip() or lines[stop][0] in " \t-"):
        stop += 1
    while stop - 1 > start and not lines[stop - 1].strip():  # keep blank lines before the next key
        stop -= 1
    return "".join(lines[:start]) + block + "".join(lines[stop:])


def cover_jpeg(cover: Path) -> bytes:
    with Image.open(cover) as im:
        im = im.convert("RGB")
        w, h = im.size
        side = min(w, h)
        im = im.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side))
        im = im.resize((COVER_SIZE, COVER_SIZE), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=COVER_QUALITY, optimize=True)
    return buf.getvalue()


def find_cover(md_path: Path) -> Path:
    for parent in md_path.resolve().parents:
        if (parent / COVER_REL).is_file():
            return parent / COVER_REL
    raise NarrationError(
        f"{md_path}: cover art {COVER_REL} not found in any folder above the episode; "
        "draw it with `python tools/make_art.py` in the project root"
    )


def _tag(path: Path, *, title: str, number: int, date: str, cover: bytes) -> None:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=SHOW))
    tags.add(TPE1(encoding=3, text=SHOW))
    tags.add(TPE2(encoding=3, text=SHOW))
    tags.add(TRCK(encoding=3, text=str(number)))
    tags.add(TDRC(encoding=3, text=date))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=cover))
    tags.save(str(path), v2_version=3, padding=lambda info: ID3_PADDING)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------- the episode


def _local_file(md_path: Path, meta: dict, key: str, suffix: str, example: str) -> Path:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise NarrationError(f"{md_path}: no `{key}:` in the front matter; add `{key}: {example}` "
                             f"(a file beside the .md) to narrate this episode")
    value = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        raise NarrationError(f"{md_path}: `{key}: {value}` is a URL; narration writes a local file, "
                             f"so set `{key}: {example}` (beside the .md)")
    if "/" in value or "\\" in value or value.startswith("."):
        raise NarrationError(f"{md_path}: `{key}: {value}` must be a plain file name beside the .md, "
                             f"e.g. `{key}: {example}`")
    if not value.lower().endswith(suffix):
        raise NarrationError(f"{md_path}: `{key}: {value}` must end in {suffix}")
    return md_path.parent / value


def _read_episode(md_path: Path) -> tuple[str, dict, str]:
    try:
        text = read_author_text(md_path, str(md_path), keep_newlines=True)
    except FileNotFoundError:
        raise NarrationError(f"{md_path}: no such file") from None
    except BuildError as exc:
        raise NarrationError(str(exc.problems[0])) from None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise NarrationError(f"{md_path}: no front matter; the file must start with a `---` line")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise NarrationError(f"{md_path}: the front matter has no closing `---` line")
    loaded = parse_yaml("".join(lines[1:end]), first_line=2)  # the build's rules: no aliases, real dates
    if loaded.errors:
        raise NarrationError(f"{md_path}:{loaded.errors[0][0]}: {loaded.errors[0][1]}")
    meta = loaded.data or {}
    if not isinstance(meta, dict):
        raise NarrationError(f"{md_path}: the front matter must be a mapping of keys")
    return text, meta, "".join(lines[end + 1 :])


def _date_text(md_path: Path, value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    raise NarrationError(f"{md_path}: `date:` must be a date like 2026-09-01")


def narrate_episode(md_path: Path, *, cover: Path | None = None) -> NarrationResult:
    """Narrate one episode file; writes its MP3, VTT and chapters. Raises NarrationError."""
    md_path = Path(md_path)
    text, meta, body = _read_episode(md_path)
    number, title = meta.get("number"), meta.get("title")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise NarrationError(f"{md_path}: `number:` must be a positive whole number")
    if not isinstance(title, str) or not title.strip():
        raise NarrationError(f"{md_path}: `title:` is missing or empty")
    date = _date_text(md_path, meta.get("date"))
    stem = md_path.stem
    audio_path = _local_file(md_path, meta, "audio", ".mp3", f"{stem}.mp3")
    transcript_path = _local_file(md_path, meta, "transcript", ".vtt", f"{stem}.vtt")
    cover_bytes = cover_jpeg(cover if cover is not None else find_cover(md_path))

    sections = build_script(number, title, body)
    with tempfile.TemporaryDirectory(prefix="narrate-") as tmp:
        pcm, cues, chapters = render(sections, Path(tmp))
    duration = len(pcm) / SAMPLE_RATE
    mp3 = encode_mp3(pcm)
    if len(mp3) + len(cover_bytes) + 4096 > MAX_MP3_BYTES:
        words = int(len(body.split()) * MAX_MP3_BYTES / (len(mp3) + len(cover_bytes)))
        raise NarrationError(
            f"{md_path}: the narration runs {format_chapter_time(int(duration))}, which at {BITRATE_KBPS} kbps "
            f"makes an MP3 over {MAX_MP3_BYTES // 1_000_000} MB; shorten the body to about {words} words "
            "or split the episode"
        )
    if chapters[-1].seconds >= duration:  # pragma: no cover - layout guarantees this
        raise NarrationError(f"{md_path}: chapter times fall outside the audio")

    tmp_mp3 = audio_path.with_name(f".{audio_path.name}.tmp")
    tmp_mp3.write_bytes(mp3)
    _tag(tmp_mp3, title=title.strip(), number=number, date=date, cover=cover_bytes)
    os.replace(tmp_mp3, audio_path)
    _write_atomic(transcript_path, make_vtt(cues).encode("utf-8"))
    new_text = rewrite_chapters(text, chapters)
    if new_text != text:
        _write_atomic(md_path, new_text.encode("utf-8"))
    return NarrationResult(md_path, audio_path, transcript_path, duration, audio_path.stat().st_size,
                           tuple(cues), tuple(chapters))


def main(argv: list[str]) -> int:
    """Narrate each episode named; one line per episode. Exit 0 if all succeeded, 1 if not."""
    if not argv or any(a in ("-h", "--help") for a in argv):
        print("usage: python -m sitegen.narrate EPISODE.md [EPISODE.md ...]", file=sys.stderr)
        return 0 if argv else 2
    failed = 0
    for arg in argv:
        t0 = time.monotonic()
        try:
            r = narrate_episode(Path(arg))
        except NarrationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            if isinstance(exc, SynthesiserMissing):
                break
            continue
        print(f"{arg}: {format_chapter_time(int(r.duration_s))} of audio, {r.mp3_bytes / 1e6:.2f} MB, "
              f"{len(r.cues)} cues, {len(r.chapters)} chapters -> {r.audio_path.name}, "
              f"{r.transcript_path.name} ({time.monotonic() - t0:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
