"""Draw Retro Stride's show art with Pillow and write it to static/.

    python tools/make_art.py

Writes static/img/cover.jpg (3000x3000, the podcast cover), static/img/social.jpg (1200x630,
Open Graph), static/img/apple-touch-icon.png (180x180), static/img/favicon-32.png, the header
logo for 2x and 3x screens (static/img/logo-64.png, logo-96.png) and static/favicon.ico
(16, 32, 48). The design is original: a striped retro sunset, a runner's
silhouette stepping backward with chevrons pointing the way it travels, and a back-slanted
wordmark (the slant leans backward too). The only font is DejaVu Sans Bold from Debian's
fonts-dejavu-core; nothing is downloaded. Output is deterministic: no randomness, fixed
JPEG quality and PNG settings, no metadata with dates.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT_CANDIDATES = (  # Debian package in the comment; the first one found is used
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",  # fonts-dejavu-core
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",  # fonts-liberation
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",  # fonts-liberation2
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",  # fonts-freefont-ttf
)
FONT_PACKAGE = "fonts-dejavu-core"

NAVY = (14, 24, 44)
NAVY_DEEP = (8, 14, 28)
CREAM = (250, 240, 222)
SUN_TOP = (255, 214, 90)
SUN_MID = (255, 140, 50)
SUN_LOW = (232, 58, 96)
SHADOW = (232, 58, 96)
TAGLINE = (255, 176, 72)
JPEG_QUALITY = 90
HORIZON = 790  # emblem units (0..1000): where the runner stands and the sun is cut
SS = 2  # supersampling for smooth edges: shapes are drawn at SS times the size, then reduced


def find_font() -> str:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            return path
    sys.exit(f"make_art: no bold TrueType font found; install one: apt-get install -y {FONT_PACKAGE}")


def _vertical_gradient(w: int, h: int, stops: list[tuple[float, tuple[int, int, int]]]) -> Image.Image:
    """An RGB image whose colour runs through the stops (position 0..1, colour) top to bottom."""
    col = Image.new("RGB", (1, h))
    px = col.load()
    for y in range(h):
        t = y / max(1, h - 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
            if t0 <= t <= t1:
                f = (t - t0) / (t1 - t0) if t1 > t0 else 0.0
                px[0, y] = tuple(round(a + (b - a) * f) for a, b in zip(c0, c1))
                break
    return col.resize((w, h), Image.Resampling.NEAREST)


def background(w: int, h: int) -> Image.Image:
    return _vertical_gradient(w, h, [(0.0, NAVY), (1.0, NAVY_DEEP)])


def emblem(size: int) -> Image.Image:
    """The sun, the runner and the chevrons, as RGBA of size x size (transparent outside)."""
    S = size * SS
    u = S / 1000  # drawing units: the emblem is laid out on a 1000 x 1000 grid

    def P(x: float, y: float) -> tuple[float, float]:
        return (x * u, y * u)

    # the sun: a gradient disc with retro stripes cut from its lower half
    cx, cy, r = 500, 470, 430
    mask = Image.new("L", (S, S), 0)
    d = ImageDraw.Draw(mask)
    d.ellipse([P(cx - r, cy - r), P(cx + r, cy + r)], fill=255)
    y, gap, band = cy + 40, 14, 70
    while y < cy + r:
        d.rectangle([P(0, y), P(1000, y + gap)], fill=0)
        y += gap + band
        gap += 9
        band = max(30, band - 12)
    sun = _vertical_gradient(S, S, [(0.0, SUN_TOP), ((cy - r) / 1000, SUN_TOP), (cy / 1000, SUN_MID),
                                    ((cy + r) / 1000, SUN_LOW), (1.0, SUN_LOW)])
    out = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d.rectangle([P(0, HORIZON), P(1000, 1000)], fill=0)  # the sun is setting behind the horizon
    out.paste(sun, (0, 0), mask)

    # the runner, in silhouette, facing right and stepping back (to the left)
    fig = Image.new("L", (S, S), 0)
    f = ImageDraw.Draw(fig)
    limb = 54

    def stroke(points: list[tuple[float, float]], width: float) -> None:
        pts = [P(x, y) for x, y in points]
        f.line(pts, fill=255, width=round(width * u), joint="curve")
        for x, y in pts:
            rr = width * u / 2
            f.ellipse([x - rr, y - rr, x + rr, y + rr], fill=255)

    hip, shoulder = (520, 560), (540, 405)
    stroke([shoulder, hip], 84)  # torso
    f.ellipse([P(556 - 52, 300 - 52), P(556 + 52, 300 + 52)], fill=255)  # head
    f.pieslice([P(556 - 56, 300 - 62), P(556 + 56, 300 + 50)], 180, 360, fill=255)  # cap crown
    f.polygon([P(590, 262), P(655, 272), P(652, 288), P(590, 290)], fill=255)  # visor: faces right
    stroke([hip, (470, 650), (405, 735)], limb + 6)  # leg reaching back
    stroke([(405, 735), (372, 770)], limb - 14)  # its foot, toes first
    stroke([hip, (565, 655), (560, 768)], limb + 6)  # standing leg
    stroke([(560, 768), (618, 772)], limb - 14)  # its foot, flat
    stroke([shoulder, (600, 470), (648, 420)], limb - 8)  # arm forward
    stroke([shoulder, (488, 478), (448, 440)], limb - 8)  # arm back
    out.paste(NAVY + (255,), (0, 0), fig)

    # the ground line the runner stands on, and chevrons pointing the way of travel
    g = ImageDraw.Draw(out)
    g.rounded_rectangle([P(60, HORIZON - 6), P(940, HORIZON + 14)], radius=10 * u, fill=CREAM + (255,))
    for i, x in enumerate((300, 215, 130)):
        shade = (CREAM, (236, 200, 170), (214, 150, 140))[i]
        g.line([P(x + 45, 600 - 62), P(x, 600), P(x + 45, 600 + 62)], fill=shade + (255,),
               width=round(30 * u), joint="curve")
        for px, py in ((x + 45, 538), (x, 600), (x + 45, 662)):
            rr = 15 * u
            g.ellipse([px * u - rr, py * u - rr, px * u + rr, py * u + rr], fill=shade + (255,))
    return out.resize((size, size), Image.Resampling.LANCZOS)


def word_mask(text: str, font: ImageFont.FreeTypeFont, width: int, slant: float = -0.12) -> Image.Image:
    """The word as an L mask, letter-spaced out to `width` px, cropped to the caps, slanted backward.

    Tracking rather than stretching makes RETRO as wide as STRIDE; a negative slant moves the
    tops of the letters left, so they lean backward.
    """
    cap_top, cap_bottom = font.getbbox("H")[1], font.getbbox("H")[3]
    natural = font.getlength(text)
    track = (width - natural) / (len(text) - 1) if len(text) > 1 else 0.0
    h = cap_bottom - cap_top
    pad = int(abs(slant) * h) + 8
    m = Image.new("L", (int(width + 2 * pad + font.size), h + 16), 0)
    d = ImageDraw.Draw(m)
    x = float(pad)
    for ch in text:
        d.text((x, 8 - cap_top), ch, font=font, fill=255)
        x += font.getlength(ch) + track
    # shear about the baseline (the bottom row): x_in = x_out + slant * (y_out - h)
    m = m.transform(m.size, Image.Transform.AFFINE, (1, slant, -slant * m.height, 0, 1, 0),
                    Image.Resampling.BICUBIC)
    return m.crop(m.getbbox())


def draw_wordmark(img: Image.Image, font_path: str, box: tuple[int, int, int, int], shadow: int,
                  max_stretch: float = 1.1) -> tuple[int, int, int, int]:
    """RETRO over STRIDE in cream with a coral drop shadow, fitted and centred in box (x0, y0, x1, y1).

    Both lines share one scale, so the letterforms match; returns the box actually drawn.
    """
    x0, y0, x1, y1 = box
    font = ImageFont.truetype(font_path, 400)
    width = round(font.getlength("STRIDE"))
    masks = [word_mask(w, font, width) for w in ("RETRO", "STRIDE")]
    mw = max(m.width for m in masks)
    gap = round(masks[0].height * 0.16)
    mh = masks[0].height + gap + masks[1].height
    sx = (x1 - x0) / mw
    sy = min((y1 - y0) / mh, sx * max_stretch)
    w, top = round(mw * sx), y0 + round(((y1 - y0) - mh * sy) / 2)
    left = x0 + ((x1 - x0) - w) // 2
    y = top
    for i, m in enumerate(masks):
        m = m.resize((round(m.width * sx), round(m.height * sy)), Image.Resampling.LANCZOS)
        img.paste(SHADOW, (left + shadow, y + shadow), m)
        img.paste(CREAM, (left, y), m)
        y += m.height + (round(gap * sy) if i == 0 else 0)
    return left, top, left + w, y


def draw_tagline(img: Image.Image, font_path: str, text: str, center_x: int, top: int, height: int,
                 max_width: int) -> None:
    font = ImageFont.truetype(font_path, height)
    d = ImageDraw.Draw(img)
    spaced = " ".join(text)  # letter-spaced small caps look
    while d.textlength(spaced, font=font) > max_width and height > 8:
        height -= 2
        font = ImageFont.truetype(font_path, height)
    d.text((center_x, top), spaced, font=font, fill=TAGLINE, anchor="mt")


def paste_centered(img: Image.Image, em: Image.Image, cx: int, cy: int) -> None:
    """Paste the emblem so that its visible content (not its square) is centred on (cx, cy)."""
    l, t, r, b = em.getbbox()
    img.paste(em, (cx - (l + r) // 2, cy - (t + b) // 2), em)


def cover(font_path: str, size: int = 3000) -> Image.Image:
    img = background(size, size)
    em = emblem(round(size * 0.66))
    paste_centered(img, em, size // 2, round(size * 0.31))
    margin = round(size * 0.08)
    draw_wordmark(img, font_path, (margin, round(size * 0.625), size - margin, round(size * 0.94)),
                  shadow=max(2, round(size * 0.009)))
    return img


def social(font_path: str) -> Image.Image:
    w, h = 1200, 630
    img = background(w, h)
    em = emblem(600)
    paste_centered(img, em, 320, h // 2)
    _, _, _, bottom = draw_wordmark(img, font_path, (650, 150, 1140, 450), shadow=6)
    draw_tagline(img, font_path, "BACKWARD WALKING FOR RUNNERS", 895, bottom + 40, 22, 490)
    return img


def icon(size: int) -> Image.Image:
    img = background(size, size)
    em = emblem(round(size * 1.02))
    em = em.crop(em.getbbox())
    scale = size * 0.9 / max(em.size)
    em = em.resize((round(em.width * scale), round(em.height * scale)), Image.Resampling.LANCZOS)
    img.paste(em, ((size - em.width) // 2, (size - em.height) // 2), em)
    return img


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling=0)
    return buf.getvalue()


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "PNG", optimize=True)
    return buf.getvalue()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}: {len(data):,} bytes")


def main(argv: list[str] | None = None) -> int:
    font_path = find_font()
    img_dir = ROOT / "static" / "img"
    cover_jpg = _jpeg(cover(font_path))
    if len(cover_jpg) >= 1_000_000:
        sys.exit(f"make_art: cover.jpg came out at {len(cover_jpg):,} bytes, over 1 MB; lower JPEG_QUALITY")
    _write(img_dir / "cover.jpg", cover_jpg)
    _write(img_dir / "social.jpg", _jpeg(social(font_path)))
    _write(img_dir / "apple-touch-icon.png", _png(icon(180)))
    _write(img_dir / "favicon-32.png", _png(icon(32)))
    # The header logo is 32 CSS pixels: phones draw it with 2 or 3 device pixels to each (srcset).
    _write(img_dir / "logo-64.png", _png(icon(64)))
    _write(img_dir / "logo-96.png", _png(icon(96)))
    big = icon(256)
    buf = io.BytesIO()
    big.save(buf, "ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    _write(ROOT / "static" / "favicon.ico", buf.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
