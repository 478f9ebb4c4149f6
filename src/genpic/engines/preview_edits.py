"""The preview engine's edits: honest offline stand-ins for each Stability image service.

Each returns the size the real service would (``catalog.edit_output_size``) and
really does the cheap part of the job: upscaling resizes, background removal
makes the border colour transparent, inpaint and erase change only the masked
pixels, outpaint extends the canvas by the margins. None of it is a model's work:
the result body says ``preview: true``, and every result but the three that
promise untouched pixels (inpaint, erase, remove_background) carries the PREVIEW band.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from PIL import Image, ImageChops, ImageFilter, ImageOps

from genpic.catalog import EditSpec, edit_output_size
from genpic.engines.base import EditJob

RGB = tuple[int, int, int]
# How far (0-255, in its farthest channel) a pixel may be from the border colour and
# still count as background.
_BACKGROUND_DISTANCE = 40
# Operations whose result must differ from the input only where the service changes it.
UNCAPTIONED = frozenset({"inpaint", "erase", "remove_background"})


@dataclass(frozen=True)
class _Edit:
    image: Image.Image
    size: tuple[int, int]
    edit: EditJob
    palette: Sequence[RGB]

    def extra(self, name: str) -> Image.Image:
        return Image.open(io.BytesIO(self.edit.images[name]))


def render_edit(edit: EditJob, spec: EditSpec, palette: Sequence[RGB]) -> Image.Image:
    """Return the preview of ``edit``, at the size ``spec``'s service returns."""
    image = Image.open(io.BytesIO(edit.image))
    image.load()
    size = edit_output_size(spec, image.width, image.height, edit.values, edit.aspect_ratio)
    return _OPERATIONS[edit.operation](_Edit(image.convert("RGB"), size, edit, palette))


def _mask(job: _Edit) -> Image.Image:
    """White (above mid grey) marks what to change, as Stability's masks do."""
    grey = job.extra("mask").convert("L")
    return grey.point(lambda v: 255 if v > 127 else 0)


def _inpaint(job: _Edit) -> Image.Image:
    fill = Image.new("RGB", job.image.size, job.palette[len(job.palette) // 2])
    painted = Image.blend(job.image.filter(ImageFilter.GaussianBlur(8)), fill, 0.6)
    return Image.composite(painted, job.image, _mask(job))


def _erase(job: _Edit) -> Image.Image:
    # Fill the masked area from its surroundings: a heavy blur of the image without it.
    mask = _mask(job)
    surroundings = job.image.filter(ImageFilter.GaussianBlur(max(job.image.size) / 24))
    return Image.composite(surroundings, job.image, mask)


def _outpaint(job: _Edit) -> Image.Image:
    left, up = int(job.edit.values.get("left", 0)), int(job.edit.values.get("up", 0))
    canvas = job.image.resize(job.size, Image.Resampling.BILINEAR).filter(
        ImageFilter.GaussianBlur(max(job.size) / 40)
    )
    canvas.paste(job.image, (left, up))
    return canvas


def _upscale(job: _Edit) -> Image.Image:
    return job.image.resize(job.size, Image.Resampling.LANCZOS)


def _remove_background(job: _Edit) -> Image.Image:
    """Make transparent what is close to the border's median colour: a simple stand-in."""
    rgb = job.image
    width, height = rgb.size
    strips = (
        rgb.crop((0, 0, width, 1)),
        rgb.crop((0, height - 1, width, height)),
        rgb.crop((0, 0, 1, height)),
        rgb.crop((width - 1, 0, width, height)),
    )
    pixels = [
        pixel for strip in strips for pixel in cast(Iterable[RGB], strip.get_flattened_data())
    ]
    background = tuple(sorted(channel)[len(channel) // 2] for channel in zip(*pixels, strict=True))
    red, green, blue = ImageChops.difference(rgb, Image.new("RGB", rgb.size, background)).split()
    farthest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    cutout = rgb.convert("RGBA")
    cutout.putalpha(farthest.point(lambda v: 255 if v > _BACKGROUND_DISTANCE else 0))
    return cutout


def _tinted(job: _Edit) -> Image.Image:
    """Search and replace or recolor, sketch, structure: the input in the prompt's palette."""
    grey = ImageOps.grayscale(job.image)
    tint = ImageOps.colorize(grey, black=job.palette[0], white=job.palette[-1])
    return Image.blend(job.image, tint, 0.5).resize(job.size)


def _style_guide(job: _Edit) -> Image.Image:
    return _tinted(_Edit(ImageOps.fit(job.image, job.size), job.size, job.edit, job.palette))


def _style_transfer(job: _Edit) -> Image.Image:
    style = ImageOps.fit(job.extra("style_image").convert("RGB"), job.image.size)
    strength = float(job.edit.values.get("style_strength", 1.0))
    return Image.blend(job.image, style, 0.5 * strength)


_OPERATIONS: dict[str, Callable[[_Edit], Image.Image]] = {
    "inpaint": _inpaint,
    "outpaint": _outpaint,
    "erase": _erase,
    "search_replace": _tinted,
    "search_recolor": _tinted,
    "remove_background": _remove_background,
    "upscale_fast": _upscale,
    "upscale_conservative": _upscale,
    "upscale_creative": _upscale,
    "sketch": _tinted,
    "structure": _tinted,
    "style_guide": _style_guide,
    "style_transfer": _style_transfer,
}
