"""Colour arithmetic so that an organisation's brand colours never break contrast (WCAG AA)."""

from __future__ import annotations

from functools import lru_cache


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@lru_cache(maxsize=64)  # pure: the same brand colours on every request
def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return (
        "#ffffff"
        if contrast(background, "#ffffff") >= contrast(background, "#111111")
        else "#111111"
    )


@lru_cache(maxsize=64)
def readable_on_white(colour: str, ratio: float = 4.5) -> str:
    """``colour`` darkened just enough to reach ``ratio`` against white (for links, text)."""
    r, g, b = _rgb(colour)
    factor = 1.0
    candidate = colour
    while contrast(candidate, "#ffffff") < ratio and factor > 0:
        factor -= 0.05
        candidate = _hex((r * factor, g * factor, b * factor))
    return candidate


@lru_cache(maxsize=64)
def button_background(colour: str, ratio: float = 4.5) -> str:
    """A button background that keeps ``ratio`` with its own text colour."""
    if contrast(colour, text_on(colour)) >= ratio:
        return colour
    return readable_on_white(colour, ratio)
