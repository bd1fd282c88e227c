#!/usr/bin/env python3
"""Draws Yorisoi's app icons into public/icons/ (run by hand when the design changes; the PNGs are
committed, so no build step needs Python). Two figures side by side — a larger and a smaller one,
leaning together — on the app's green: 寄り添い, staying alongside.

Requires Pillow (pip install pillow)."""
from pathlib import Path
from PIL import Image, ImageDraw

GREEN = (47, 111, 94, 255)
CREAM = (255, 248, 236, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
SUPERSAMPLE = 4


def figures(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """The two figures, centred, filling `scale` of the canvas (maskable icons keep to the 80% safe zone)."""
    c = size / 2
    u = size * scale / 10  # one unit of the 10×10 design grid
    # the adult: head and body
    draw.ellipse([c - 3.1 * u, c - 4.2 * u, c - 0.9 * u, c - 2.0 * u], fill=CREAM)
    draw.rounded_rectangle([c - 3.6 * u, c - 1.5 * u, c - 0.4 * u, c + 4.2 * u], radius=1.6 * u, fill=CREAM)
    # the child: smaller, beside and leaning in
    draw.ellipse([c + 0.6 * u, c - 1.6 * u, c + 2.4 * u, c + 0.2 * u], fill=CREAM)
    draw.rounded_rectangle([c + 0.2 * u, c + 0.6 * u, c + 2.8 * u, c + 4.2 * u], radius=1.3 * u, fill=CREAM)


def icon(size: int, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=GREEN)  # full bleed: the platform crops it
        figures(draw, big, 0.62)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=GREEN)
        figures(draw, big, 0.80)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, True).save(OUT / f"maskable-{size}.png", optimize=True)
    icon(180, True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
