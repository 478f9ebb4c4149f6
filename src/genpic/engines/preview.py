"""The offline ``preview`` engine: a deterministic, clearly labelled stand-in for a model.

It needs no network and no credentials, so the whole pipeline can run on a
laptop. Text-to-image draws a small landscape whose palette and motif come
from the prompt; image-to-image restyles the init image. Every output carries
a "PREVIEW" band so nobody mistakes it for a model's work.
"""

from __future__ import annotations

import colorsys
import hashlib
import itertools
import json
import math
import random
import re
import secrets
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from genpic.catalog import DEFAULT_STRENGTH, MAX_SEED, STABILITY_SIZES, image_model
from genpic.engines.base import ImageEngine, ImageJob, RenderedImage
from genpic.engines.caption import draw_caption
from genpic.engines.preview_edits import UNCAPTIONED, render_edit
from genpic.images import encode, load_input

RGB = tuple[int, int, int]

_INK: RGB = (8, 9, 18)

# Words whose colours, in order of appearance in the prompt, become the gradient's stops.
_COLOUR_WORDS: dict[str, tuple[RGB, ...]] = {
    "red": ((196, 38, 52),),
    "crimson": ((150, 20, 44),),
    "orange": ((245, 130, 40),),
    "amber": ((255, 176, 40),),
    "yellow": ((245, 215, 70),),
    "gold": ((225, 175, 60),),
    "golden": ((232, 170, 60),),
    "green": ((60, 160, 80),),
    "emerald": ((20, 140, 100),),
    "blue": ((40, 90, 200),),
    "navy": ((20, 30, 80),),
    "azure": ((60, 140, 230),),
    "teal": ((20, 130, 140),),
    "cyan": ((40, 210, 230),),
    "turquoise": ((50, 200, 190),),
    "purple": ((120, 60, 170),),
    "violet": ((140, 90, 210),),
    "lavender": ((180, 160, 230),),
    "magenta": ((220, 40, 160),),
    "pink": ((240, 130, 180),),
    "white": ((240, 240, 245),),
    "snow": ((228, 236, 246),),
    "silver": ((190, 195, 205),),
    "grey": ((128, 132, 140),),
    "gray": ((128, 132, 140),),
    "black": ((15, 15, 20),),
    "brown": ((120, 80, 50),),
    "neon": ((255, 40, 200), (40, 230, 255)),
    "cyberpunk": ((40, 10, 70), (255, 40, 170), (40, 220, 255)),
    "sunset": ((60, 40, 110), (230, 90, 90), (255, 170, 80)),
    "sunrise": ((120, 150, 210), (250, 170, 150), (255, 220, 150)),
    "dawn": ((120, 150, 210), (250, 170, 150), (255, 220, 150)),
    "dusk": ((30, 30, 80), (120, 70, 140), (230, 130, 110)),
    "twilight": ((30, 30, 80), (120, 70, 140), (230, 130, 110)),
    "night": ((8, 10, 30), (25, 35, 80), (60, 60, 120)),
    "midnight": ((5, 6, 20), (20, 25, 60)),
    "forest": ((30, 70, 45), (70, 120, 60)),
    "jungle": ((20, 80, 40), (90, 150, 60)),
    "ocean": ((10, 50, 110), (30, 120, 170)),
    "sea": ((10, 50, 110), (30, 120, 170)),
    "fire": ((120, 20, 10), (230, 80, 20), (255, 190, 60)),
    "lava": ((90, 10, 10), (230, 60, 20), (255, 160, 40)),
    "ice": ((170, 210, 240), (230, 245, 255)),
    "winter": ((150, 180, 215), (230, 240, 250)),
    "desert": ((220, 170, 110), (240, 210, 160)),
    "autumn": ((170, 70, 30), (220, 140, 50)),
    "spring": ((150, 210, 120), (250, 200, 220)),
    "pastel": ((250, 200, 210), (200, 220, 250)),
    "storm": ((40, 45, 60), (90, 95, 110)),
}
_COLOUR_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(_COLOUR_WORDS, key=len, reverse=True)) + r")s?\b", re.IGNORECASE
)
_MOTIF_WORDS: dict[str, tuple[str, ...]] = {
    "city": ("city", "cyberpunk", "street", "skyline", "building", "town", "urban", "metropolis"),
    "sea": ("ocean", "sea", "beach", "lake", "wave", "water", "coast", "harbor", "river", "island"),
    "forest": ("forest", "tree", "wood", "jungle", "pine", "garden"),
    "mountains": ("mountain", "hill", "valley", "landscape", "canyon", "volcano", "peak"),
}
_FALLBACK_MOTIFS = ("abstract", "mountains", "sea")


class PreviewEngine(ImageEngine):
    """Draw a deterministic, labelled preview image without any model.

    The same prompt, seed, aspect ratio, negative prompt and model always give
    the same bytes; a seed of 0 picks a random seed, which is reported.
    """

    name = "preview"
    preview = True

    def render(self, job: ImageJob) -> RenderedImage:
        """Draw ``job``: a landscape for text-to-image, a restyled input for image-to-image."""
        model = image_model(job.model)
        seed = job.seed or secrets.randbelow(model.max_seed if model else MAX_SEED) + 1
        rng = random.Random(_job_hash(job, seed))
        palette = _palette(job.prompt, rng)
        if job.edit is not None and model is not None and model.edit is not None:
            image = render_edit(job.edit, model.edit, palette)
            if job.edit.operation not in UNCAPTIONED:
                draw_caption(image, job.prompt, seed)
            return RenderedImage(data=encode(image, job.output_format), seed=seed)
        if job.init_image is not None:
            image = _restyle(job.init_image, palette, _strength(job))
        else:
            if job.aspect_ratio is None or job.aspect_ratio not in STABILITY_SIZES:
                raise ValueError(f"unknown aspect ratio {job.aspect_ratio!r}")
            image = _landscape(STABILITY_SIZES[job.aspect_ratio], job.prompt, palette, rng)
        draw_caption(image, job.prompt, seed)
        return RenderedImage(data=encode(image, job.output_format), seed=seed)


def _job_hash(job: ImageJob, seed: int) -> int:
    """Hash what decides the picture into an integer seed for ``random.Random``."""
    key = json.dumps([job.prompt, seed, job.aspect_ratio, job.negative_prompt, job.model])
    return int.from_bytes(hashlib.sha256(key.encode()).digest(), "big")


def _strength(job: ImageJob) -> float:
    """Return the job's strength clamped to [0, 1]."""
    strength = DEFAULT_STRENGTH if job.strength is None else job.strength
    return min(max(strength, 0.0), 1.0)


def _palette(prompt: str, rng: random.Random) -> list[RGB]:
    """Return three or four colours, top to bottom, from the prompt's colour words or its hash."""
    found: list[RGB] = []
    for match in _COLOUR_PATTERN.finditer(prompt):
        for colour in _COLOUR_WORDS[match.group(1).lower()]:
            if colour not in found:
                found.append(colour)
    if len(found) >= 2:
        return found[:4]
    if found:
        return [_mix(found[0], _INK, 0.55), found[0], _mix(found[0], (255, 255, 255), 0.4)]
    hue = rng.random()
    # A dusk-like sky: dark at the top, light at the horizon, hues drifting a little.
    return [
        _hls(hue, 0.22, 0.5),
        _hls(hue + rng.uniform(0.04, 0.1), 0.45, 0.55),
        _hls(hue + rng.uniform(0.1, 0.2), 0.72, 0.75),
    ]


def _landscape(
    size: tuple[int, int], prompt: str, palette: Sequence[RGB], rng: random.Random
) -> Image.Image:
    """Draw a gradient sky, a glowing orb, a motif chosen by the prompt, and bokeh."""
    image = _gradient(size, palette, rng)
    _glow(image, palette, rng)
    motif = _motif(prompt, rng)
    if motif == "city":
        _city(image, palette, rng)
    elif motif == "sea":
        _sea(image, palette, rng)
    elif motif == "forest":
        _forest(image, palette, rng)
    elif motif == "mountains":
        _mountains(image, palette, rng)
    _bokeh(image, palette, rng, count=26 if motif == "abstract" else 9)
    return image


def _motif(prompt: str, rng: random.Random) -> str:
    """Pick the scene from the prompt's words (city, sea, forest, mountains in turn), else hash."""
    words = set(re.findall(r"[a-z]+", prompt.lower()))
    words.update(word[:-1] for word in list(words) if word.endswith("s"))
    for motif, keys in _MOTIF_WORDS.items():
        if words.intersection(keys):
            return motif
    return rng.choice(_FALLBACK_MOTIFS)


def _gradient(size: tuple[int, int], palette: Sequence[RGB], rng: random.Random) -> Image.Image:
    """Return a smooth multi-stop vertical gradient with a little horizontal drift."""
    cells = Image.new("RGB", (3, len(palette)))
    for row, colour in enumerate(palette):
        for column in range(3):
            cells.putpixel((column, row), _shade(colour, rng.uniform(-0.12, 0.12)))
    return cells.resize(size, Image.Resampling.BICUBIC)


def _glow(image: Image.Image, palette: Sequence[RGB], rng: random.Random) -> None:
    """Composite a soft sun, or a pale moon on a dark palette, onto ``image``."""
    dark = sum(_luma(colour) for colour in palette) / len(palette) < 80
    colour = (236, 234, 214) if dark else _mix(max(palette, key=_luma), (255, 236, 190), 0.5)
    layer = _Layer(image.size)
    x = rng.uniform(0.2, 0.8) * layer.width
    y = rng.uniform(0.18, 0.42) * layer.height
    radius = rng.uniform(0.05, 0.09) * min(layer.width, layer.height)
    layer.circle(x, y, radius * 2.6, (*colour, 60))
    layer.circle(x, y, radius, (*colour, 240))
    layer.composite(image, blur=radius * 0.35)


def _bokeh(image: Image.Image, palette: Sequence[RGB], rng: random.Random, count: int) -> None:
    """Composite ``count`` soft out-of-focus light discs onto ``image``."""
    layer = _Layer(image.size)
    short = min(layer.width, layer.height)
    for _ in range(count):
        colour = _mix(rng.choice(palette), (255, 255, 255), rng.uniform(0.3, 0.7))
        radius = rng.uniform(0.015, 0.06) * short
        x, y = rng.uniform(0, layer.width), rng.uniform(0, layer.height * 0.85)
        layer.circle(x, y, radius, (*colour, rng.randint(30, 90)))
    layer.composite(image, blur=max(1.0, short / 160))


def _mountains(image: Image.Image, palette: Sequence[RGB], rng: random.Random) -> None:
    """Draw three ridges, paler with distance."""
    width, height = image.size
    for depth in range(3):
        base, amplitude = height * (0.58 + 0.1 * depth), height * (0.2 - 0.04 * depth)
        ridge = _ridge(rng, width, base, amplitude, 0.55)
        _silhouette(image, [_ground(ridge, height)], _distance_colour(palette, depth, 3))


def _forest(image: Image.Image, palette: Sequence[RGB], rng: random.Random) -> None:
    """Draw two gentle hills covered in pine trees."""
    width, height = image.size
    for depth in range(2):
        ridge = _ridge(rng, width, height * (0.68 + 0.1 * depth), height * 0.06, 0.4)
        shapes = [_ground(ridge, height)]
        tree_height = height * (0.1 + 0.06 * depth)
        x = -tree_height * 0.2
        while x < width:
            y = _height_at(ridge, x) + tree_height * 0.1
            tall = tree_height * rng.uniform(0.6, 1.2)
            half = tall * 0.22
            shapes.append([(x - half, y), (x, y - tall), (x + half, y)])
            x += half * rng.uniform(1.0, 1.9)
        _silhouette(image, shapes, _distance_colour(palette, depth, 2))


def _sea(image: Image.Image, palette: Sequence[RGB], rng: random.Random) -> None:
    """Mirror the sky into water below a horizon, with an island and a few glints."""
    width, height = image.size
    horizon = int(height * rng.uniform(0.58, 0.66))
    sky = image.crop((0, horizon - (height - horizon), width, horizon))
    deep = Image.new("RGB", sky.size, _mix(palette[0], _INK, 0.5))
    water = Image.blend(ImageOps.flip(sky), deep, 0.45)
    image.paste(water, (0, horizon))
    span = width * rng.uniform(0.25, 0.5)
    left = rng.uniform(0, width - span)
    # A rough ridge under a sine window: an island that meets the water at both ends.
    island = [
        (left + x, horizon - height * 0.05 * (1.6 - y) * math.sin(math.pi * x / span))
        for x, y in _ridge(rng, span, 0.0, 1.0, 0.5)
    ]
    _silhouette(image, [island], _distance_colour(palette, 0, 2))
    draw = ImageDraw.Draw(image)
    glint = _mix(max(palette, key=_luma), (255, 255, 255), 0.6)
    for _ in range(30):
        y = rng.uniform(horizon + 4, height)
        x = rng.uniform(0, width)
        length = rng.uniform(0.02, 0.1) * width * (y - horizon) / (height - horizon)
        draw.line([(x, y), (x + length, y)], fill=glint, width=max(1, height // 300))


def _city(image: Image.Image, palette: Sequence[RGB], rng: random.Random) -> None:
    """Draw two rows of towers; the near row has lit windows."""
    width, height = image.size
    lights = [_mix(colour, (255, 230, 170), 0.5) for colour in palette]
    for depth in range(2):
        towers: list[tuple[float, float, float]] = []
        x = -rng.uniform(0, width * 0.05)
        while x < width:
            tower_width = rng.uniform(0.04, 0.1) * width
            top = height * rng.uniform(0.25, 0.5) + depth * height * 0.12
            towers.append((x, top, x + tower_width))
            x += tower_width + rng.uniform(0, 0.015) * width
        shapes = [
            [(left, height), (left, top), (right, top), (right, height)]
            for left, top, right in towers
        ]
        _silhouette(image, shapes, _distance_colour(palette, depth, 2))
        if depth == 1:
            _windows(image, towers, lights, rng)


def _windows(
    image: Image.Image,
    towers: Sequence[tuple[float, float, float]],
    lights: Sequence[RGB],
    rng: random.Random,
) -> None:
    """Light a random share of a window grid on each tower."""
    draw = ImageDraw.Draw(image)
    size = max(2, image.width // 260)
    for left, top, right in towers:
        light = rng.choice(lights)
        for y in range(int(top) + size * 2, image.height, size * 3):
            for x in range(int(left) + size, int(right) - size * 2, size * 3):
                if rng.random() < 0.3:
                    draw.rectangle((x, y, x + size, y + size), fill=light)


def _ridge(
    rng: random.Random, width: float, base: float, amplitude: float, roughness: float
) -> list[tuple[float, float]]:
    """Return a ridge line across ``width`` by midpoint displacement."""
    heights = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
    spread = 1.0
    for _ in range(7):
        spread *= roughness
        refined: list[float] = []
        for left, right in itertools.pairwise(heights):
            refined += [left, (left + right) / 2 + rng.uniform(-spread, spread)]
        heights = [*refined, heights[-1]]
    step = width / (len(heights) - 1)
    return [(index * step, base - value * amplitude) for index, value in enumerate(heights)]


def _height_at(ridge: Sequence[tuple[float, float]], x: float) -> float:
    """Return the ridge's y at ``x`` (nearest point)."""
    step = ridge[1][0] - ridge[0][0]
    index = min(max(round((x - ridge[0][0]) / step), 0), len(ridge) - 1)
    return ridge[index][1]


def _silhouette(
    image: Image.Image, shapes: Sequence[Sequence[tuple[float, float]]], colour: RGB
) -> None:
    """Fill the polygons ``shapes`` with ``colour``, with soft edges."""
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    for points in shapes:
        draw.polygon(points, fill=255)
    # A one-pixel blur stands in for antialiasing, which ImageDraw polygons lack.
    image.paste(colour, mask=mask.filter(ImageFilter.GaussianBlur(0.8)))


def _ground(ridge: Sequence[tuple[float, float]], bottom: float) -> list[tuple[float, float]]:
    """Close a ridge line into a polygon that reaches down to ``bottom``."""
    return [*ridge, (ridge[-1][0], bottom), (ridge[0][0], bottom)]


def _distance_colour(palette: Sequence[RGB], depth: int, layers: int) -> RGB:
    """Return a silhouette colour: hazy like the horizon far away, dark up close."""
    dark = _mix(palette[0], _INK, 0.75)
    return _mix(palette[-1], dark, 0.45 + 0.55 * (depth + 1) / layers)


def _restyle(data: bytes, palette: Sequence[RGB], strength: float) -> Image.Image:
    """Blend the init image with a posterized, edge-enhanced, tinted copy by ``strength``."""
    source = load_input(data).convert("RGB")
    stylised = ImageOps.posterize(source, 3).filter(ImageFilter.EDGE_ENHANCE_MORE)
    tint = ImageOps.colorize(
        ImageOps.grayscale(stylised),
        black=_mix(palette[0], _INK, 0.6),
        white=_mix(palette[-1], (255, 255, 255), 0.3),
        mid=palette[len(palette) // 2],
    )
    return Image.blend(source, Image.blend(stylised, tint, 0.55), strength)


class _Layer:
    """A quarter-resolution RGBA layer for soft shapes, blurred and composited at full size."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.width = max(1, size[0] // 4)
        self.height = max(1, size[1] // 4)
        self.image = Image.new("RGBA", (self.width, self.height), (0, 0, 0, 0))
        self._draw = ImageDraw.Draw(self.image)

    def circle(self, x: float, y: float, radius: float, fill: tuple[int, int, int, int]) -> None:
        """Draw a filled circle in layer coordinates."""
        self._draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)

    def composite(self, image: Image.Image, blur: float) -> None:
        """Blur the layer and paint it over ``image``."""
        # Blurring premultiplied alpha keeps transparent black from darkening the edges.
        soft = self.image.convert("RGBa").filter(ImageFilter.GaussianBlur(blur)).convert("RGBA")
        full = soft.resize(self.size, Image.Resampling.BILINEAR)
        image.paste(full, mask=full)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    """Return ``a`` moved a fraction ``t`` towards ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _shade(colour: RGB, amount: float) -> RGB:
    """Lighten (positive ``amount``) or darken (negative) ``colour``."""
    return _mix(colour, (255, 255, 255) if amount > 0 else (0, 0, 0), abs(amount))


def _luma(colour: RGB) -> float:
    """Return the perceived brightness of ``colour``, 0 to 255."""
    return 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]


def _hls(hue: float, lightness: float, saturation: float) -> RGB:
    """Return the RGB colour of an HLS triple, wrapping the hue."""
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return (round(red * 255), round(green * 255), round(blue * 255))
