"""OpenAI's edit mask as the Stability services read it.

OpenAI's ``images.edit`` takes a PNG ``mask`` whose *fully transparent* pixels (alpha 0)
mark the area to edit, the same size as the image
(https://platform.openai.com/docs/api-reference/images/createEdit). Stability's Inpaint
reads a mask's *white* pixels as the area to edit and black as the area to keep
(https://docs.aws.amazon.com/bedrock/latest/userguide/stable-image-services.html).
"""

from __future__ import annotations

import base64
import io

from genpic.errors import InvalidImage
from genpic.images import load_input

FIELD = "mask"
_EDIT, _KEEP = 255, 0


def stability_mask(openai_mask: bytes) -> str:
    """Convert an OpenAI mask to a Stability mask and return it as base64 PNG.

    Parameters
    ----------
    openai_mask : bytes
        The PNG OpenAI's rule describes: alpha 0 where to edit.

    Returns
    -------
    str
        A greyscale PNG, base64: white where the OpenAI mask was fully transparent,
        black everywhere else (partly transparent pixels are kept, as OpenAI keeps them).

    Raises
    ------
    genpic.errors.InvalidImage
        On ``mask`` when it is not a PNG, has no alpha channel (OpenAI requires one; without
        it nothing marks the area to edit), or has no fully transparent pixel.
    """
    image = load_input(openai_mask, FIELD)
    if image.format != "PNG":
        raise InvalidImage(
            f"mask is a {image.format} image; send a PNG whose transparent pixels mark the "
            "area to edit.",
            field=FIELD,
        )
    if not image.has_transparency_data:
        raise InvalidImage(
            f"mask is a PNG without an alpha channel ({image.mode}); transparent pixels "
            "(alpha 0) mark the area to edit, so save it as RGBA with that area erased.",
            field=FIELD,
        )
    alpha = image.convert("RGBA").getchannel("A")
    stability = alpha.point(lambda value: _EDIT if value == 0 else _KEEP)
    if stability.getbbox() is None:
        raise InvalidImage(
            "mask has no fully transparent pixel, so it marks nothing to edit; erase the "
            "area to change (alpha 0).",
            field=FIELD,
        )
    buffer = io.BytesIO()
    stability.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
