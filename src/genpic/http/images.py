"""Images out and in: ``GET /images/{key}`` serves outputs, ``POST /uploads`` takes inputs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from genpic.errors import NotFound, ValidationError
from genpic.http.context import Genpic, genpic
from genpic.http.incoming import form_data, json_payload
from genpic.http.schemas import error_responses
from genpic.keys import OUTPUT_KEY_PATTERN, is_output_key
from genpic.storage.links import IMAGES_PATH
from genpic.storage.local import LocalStore
from genpic.storage.uploads import presigned_upload, save_local_upload
from genpic.vocabulary import CONTENT_TYPES

router = APIRouter(tags=["images"])
App = Annotated[Genpic, Depends(genpic)]
# A key is never rewritten, so its bytes may be cached for good.
_IMMUTABLE = "public, max-age=31536000, immutable"
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "content_type": {"type": "string", "enum": list(CONTENT_TYPES.values())}
                    },
                    "required": ["content_type"],
                }
            },
        },
    }
}


@router.get(
    IMAGES_PATH + "{key:path}",
    name="get_image",
    responses={
        200: {"content": {t: {} for t in CONTENT_TYPES.values()}, "description": "The image"},
        307: {"description": "S3 storage: a fresh presigned GET"},
        **error_responses(401, 404, 502),
    },
    response_class=Response,
)
async def get_image(
    # Documented, not enforced by FastAPI: a key outside outputs/ is a 404 (below), not a 400.
    key: Annotated[str, Path(json_schema_extra={"pattern": OUTPUT_KEY_PATTERN})],
    app: App,
) -> Response:
    """Serve a generated image: its bytes (local storage) or a 307 to a fresh presigned GET (S3).

    Only keys under ``outputs/`` are served; anything else is 404.
    """
    if not is_output_key(key):
        raise NotFound(f"No image at {key[:100]!r}; image keys look like outputs/<name>.<ext>.")
    store = await run_in_threadpool(lambda: app.pipeline.store)
    if isinstance(store, LocalStore):
        path, content_type = await run_in_threadpool(store.read, key)
        return FileResponse(path, media_type=content_type, headers={"Cache-Control": _IMMUTABLE})
    from genpic.storage.s3 import S3Store

    if isinstance(store, S3Store):
        url = await run_in_threadpool(store.link, key)
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    raise NotFound(f"The {store.name} store does not serve images over HTTP.")


@router.post(
    "/uploads",
    responses=error_responses(400, 401, 413, 500, 502),
    openapi_extra=_UPLOAD_BODY,
)
async def upload(request: Request, app: App) -> dict[str, Any]:
    """Take an input image for image-to-image and return its ``init_image_s3``.

    S3: JSON ``{"content_type"}`` → a presigned POST into ``INPUT_BUCKET/uploads/``
    (``{"init_image_s3", "upload": {"url", "fields"}}``; post the file there with the
    fields). Local storage: a multipart ``file``, checked and stored → ``{"init_image_s3"}``.
    """
    if app.settings.storage == "s3":
        payload = await json_payload(request)
        content_type = payload.get("content_type") if isinstance(payload, dict) else None
        if not isinstance(content_type, str):
            raise ValidationError(
                'Send {"content_type": "image/png"} (or image/jpeg, image/webp) to get an '
                "upload link.",
                field="content_type",
            )
        result: dict[str, Any] = await run_in_threadpool(
            presigned_upload, app.settings, content_type
        )
        return result
    store = await run_in_threadpool(lambda: app.pipeline.store)
    if not isinstance(store, LocalStore):
        raise NotFound(f"The {store.name} store takes no uploads.")
    form = await form_data(request)
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise ValidationError("Send the image as the multipart form field 'file'.", field="file")
    data = await file.read()
    uri = await run_in_threadpool(save_local_upload, store, data)
    return {"init_image_s3": uri}
