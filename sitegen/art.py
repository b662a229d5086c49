"""Check podcast art with Pillow: Apple wants a square RGB JPEG or PNG of 1400-3000 px."""
from __future__ import annotations

from pathlib import Path

from .problems import Problem


def check_art(path: Path, if_missing: str = "add a square JPEG of 1400 to 3000 px there") -> list[str]:
    """What is wrong with an art file, as phrases that follow its name ("is 1400x1500; ...")."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            fmt, mode, (w, h) = img.format, img.mode, img.size
    except FileNotFoundError:
        return [f"does not exist; {if_missing}"]
    except (UnidentifiedImageError, OSError):
        return ["is not an image; save it as JPEG or PNG"]
    problems = []
    if fmt not in ("JPEG", "PNG"):
        problems.append(f"is {fmt}; Apple accepts only JPEG or PNG")
    if w != h:
        problems.append(f"is {w}x{h}; it must be square")
    if not (1400 <= w <= 3000 and 1400 <= h <= 3000):
        problems.append(f"is {w}x{h} px; it must be between 1400x1400 and 3000x3000")
    if mode != "RGB":
        problems.append(f"uses the {mode} colour mode; save it as RGB (not CMYK or greyscale)")
    return problems


def read_show_art(root: Path, image: str, line: int, config_name: str = "site.toml") -> list[Problem]:
    where = f"[podcast] image: {image}"
    if not image.startswith("static/"):
        return [Problem(config_name, line, f"{where}: keep the art in static/ (e.g. static/img/cover.jpg) so it is published")]
    found = check_art(root / image, if_missing="add a 3000x3000 JPEG there (python tools/make_art.py draws one)")
    return [Problem(config_name, line, f"{where} {p}") for p in found]
