"""Images for the demo data, drawn with Pillow: no file to ship, no licence to check.

``logo_png`` draws an organisation mark with initials; ``cover_png`` draws a flat, abstract
civic landscape (sky, sun, hills, buildings, trees) in a given palette. Both are deterministic:
the same arguments always give the same bytes.
"""

from __future__ import annotations

import io
import random
from functools import cache

from PIL import Image, ImageDraw, ImageFont

COVER_SIZE = (1280, 640)
LOGO_SIZE = 512

RGB = tuple[int, int, int]


def _rgb(hex_colour: str) -> RGB:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _lighten(c: RGB, t: float) -> RGB:
    return _mix(c, (255, 255, 255), t)


def _darken(c: RGB, t: float) -> RGB:
    return _mix(c, (0, 0, 0), t)


def _png(image: Image.Image) -> bytes:
    """PNG bytes. Flat shapes compress well (a cover weighs about 20 kB) without the slow
    ``optimize`` pass or a palette conversion."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


@cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def logo_png(initials: str, primary: str, secondary: str, size: int = LOGO_SIZE) -> bytes:
    """A round civic mark: a disc in ``primary``, an arc of ``secondary``, the initials."""
    scale = 4  # draw large, then downsample: smooth edges without anti-aliasing support
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    p, s = _rgb(primary), _rgb(secondary)
    pad = big // 32
    draw.ellipse((pad, pad, big - pad, big - pad), fill=p)
    # A warm arc in the lower part, like a rising sun over the city.
    ring = big // 14
    draw.arc(
        (pad + ring, pad + ring, big - pad - ring, big - pad - ring),
        start=20,
        end=160,
        fill=s,
        width=ring,
    )
    # Three small "houses" on the arc's inner side.
    base_y = big * 0.70
    for i, w in enumerate((0.10, 0.13, 0.10)):
        cx = big * (0.38 + 0.12 * i)
        half = big * w / 2
        h = big * (0.09 if i != 1 else 0.12)
        draw.rectangle(
            (cx - half * 0.8, base_y - h, cx + half * 0.8, base_y), fill=_lighten(p, 0.85)
        )
        draw.polygon(
            [(cx - half, base_y - h), (cx, base_y - h - half * 0.9), (cx + half, base_y - h)],
            fill=_lighten(p, 0.85),
        )
    text = initials[:3].upper()
    font = _font(int(big * (0.30 if len(text) < 3 else 0.24)))
    draw.text((big / 2, big * 0.40), text, font=font, fill=(255, 255, 255), anchor="mm")
    return _png(image.resize((size, size), Image.Resampling.LANCZOS))


def cover_png(colours: list[str], seed: str, size: tuple[int, int] = COVER_SIZE) -> bytes:
    """A flat landscape: banded sky, sun, hills, a skyline and trees, in ``colours``.

    ``colours`` is a list of one or more ``#rrggbb`` strings (a project's theme colours, the
    organisation's); ``seed`` (e.g. a slug) varies the composition.
    """
    rng = random.Random(seed)
    palette = [_rgb(c) for c in colours] or [(29, 78, 137)]
    main = palette[0]
    accent = palette[1] if len(palette) > 1 else (232, 131, 58)
    third = palette[2] if len(palette) > 2 else _mix(main, accent, 0.5)
    w, h = size
    image = Image.new("RGB", size, _lighten(main, 0.9))
    draw = ImageDraw.Draw(image, "RGBA")

    # Sky: soft horizontal bands from a pale tint of the accent to a pale tint of the main colour.
    top, bottom = _lighten(accent, 0.78), _lighten(main, 0.88)
    bands = 12
    for i in range(bands):
        y0 = round(h * 0.75 * i / bands)
        y1 = round(h * 0.75 * (i + 1) / bands)
        draw.rectangle((0, y0, w, y1), fill=_mix(top, bottom, i / (bands - 1)))

    # Sun with halos.
    sx, sy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.18, 0.32) * h
    for radius, alpha in ((150, 40), (110, 70), (75, 255)):
        r = radius * rng.uniform(0.85, 1.1)
        draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=(*_lighten(accent, 0.25), alpha))

    # Floating rounded clouds.
    for _ in range(rng.randint(2, 4)):
        cx, cy = rng.uniform(0, w), rng.uniform(0.08, 0.4) * h
        cw = rng.uniform(120, 240)
        for dx, dy, r in (
            (0, 0, 0.28),
            (0.25, -0.12, 0.22),
            (-0.25, 0.02, 0.2),
            (0.48, 0.04, 0.16),
        ):
            rr = cw * r
            draw.ellipse(
                (cx + dx * cw - rr, cy + dy * cw - rr, cx + dx * cw + rr, cy + dy * cw + rr),
                fill=(255, 255, 255, 190),
            )

    # Hills in the back.
    for layer, (colour, height) in enumerate(
        ((_lighten(third, 0.55), 0.50), (_lighten(main, 0.45), 0.58))
    ):
        points = [(0, h)]
        steps = 8
        phase = rng.uniform(0, 1)
        for i in range(steps + 1):
            x = w * i / steps
            wave = 0.06 * ((i + phase + layer) % 3 - 1)
            points.append((x, h * (height + wave + rng.uniform(-0.03, 0.03))))
        points.append((w, h))
        draw.polygon(_smooth(points), fill=colour)

    # Skyline: buildings of varied heights with windows.
    ground = h * 0.80
    x = rng.uniform(-40, 0)
    while x < w:
        bw = rng.uniform(60, 130)
        bh = rng.uniform(0.12, 0.38) * h
        tone = rng.choice((main, third, _mix(main, accent, 0.3)))
        shade = rng.uniform(0.05, 0.35)
        body = _darken(tone, shade) if rng.random() < 0.5 else _lighten(tone, shade)
        draw.rectangle((x, ground - bh, x + bw, ground), fill=body)
        roof = rng.random()
        if roof < 0.3:
            draw.polygon(
                [(x, ground - bh), (x + bw / 2, ground - bh - bw * 0.35), (x + bw, ground - bh)],
                fill=body,
            )
        elif roof < 0.45:
            r = bw * 0.3
            draw.ellipse(
                (x + bw / 2 - r, ground - bh - r, x + bw / 2 + r, ground - bh + r), fill=body
            )
        window = _lighten(accent, 0.55) if sum(body) < 360 else _lighten(body, 0.6)
        cols = max(1, int(bw // 28))
        rows = max(1, int(bh // 34))
        for cx in range(cols):
            for cy in range(rows - 1):
                if rng.random() < 0.75:
                    wx = x + 12 + cx * (bw - 24) / max(1, cols)
                    wy = ground - bh + 14 + cy * 34
                    draw.rounded_rectangle((wx, wy, wx + 12, wy + 16), radius=3, fill=window)
        x += bw + rng.uniform(4, 24)

    # Ground: a green-ish band tinted by the main colour, and a path in the accent colour.
    grass = _mix((96, 160, 96), main, 0.25)
    draw.rectangle((0, ground, w, h), fill=_lighten(grass, 0.15))
    draw.polygon(
        [(w * 0.42, h), (w * 0.58, h), (w * 0.52, ground), (w * 0.48, ground)],
        fill=_lighten(accent, 0.35),
    )

    # Trees along the ground, the nearer ones (lower) drawn last.
    trees = [
        (rng.uniform(0, w), ground + rng.uniform(10, h - ground - 20), rng.uniform(22, 40))
        for _ in range(rng.randint(6, 11))
    ]
    for tx, ty, r in sorted(trees, key=lambda t: t[1]):
        if w * 0.4 < tx < w * 0.6:
            continue
        draw.rectangle((tx - 4, ty - r * 0.3, tx + 4, ty + r * 0.9), fill=_darken(grass, 0.45))
        draw.ellipse((tx - r, ty - 2 * r, tx + r, ty), fill=_darken(grass, rng.uniform(0.05, 0.3)))

    # A few people-like round heads and bodies gathering on the path: participation.
    for i in range(rng.randint(3, 5)):
        px = w * 0.44 + i * 38 + rng.uniform(-6, 6)
        py = h - rng.uniform(28, 60)
        colour = rng.choice(palette + [accent])
        draw.rounded_rectangle(
            (px - 12, py - 18, px + 12, py + 26), radius=10, fill=_darken(colour, 0.1)
        )
        draw.ellipse((px - 9, py - 38, px + 9, py - 20), fill=_darken(colour, 0.35))

    return _png(image)


def _smooth(points: list[tuple[float, float]], iterations: int = 3) -> list[tuple[float, float]]:
    """Chaikin corner-cutting, keeping the two ends (the polygon's base)."""
    for _ in range(iterations):
        result = [points[0]]
        for (x0, y0), (x1, y1) in zip(points[:-1], points[1:], strict=True):
            result.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            result.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        result.append(points[-1])
        points = result
    return points
