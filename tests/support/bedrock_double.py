"""A loopback HTTP server speaking enough Bedrock Runtime REST-JSON for real boto3 clients."""

from __future__ import annotations

import base64
import binascii
import io
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import botocore.session
from botocore.model import StringShape, StructureShape
from PIL import Image

from tests.support import stability_services
from tests.support.bedrock_control import ControlPlane
from tests.support.served import Served

# Error codes and statuses, straight from botocore's bedrock-runtime service model:
# AccessDenied 403, ResourceNotFound 404, Validation 400, Throttling 429, ModelTimeout 408,
# ModelNotReady 429, ServiceQuotaExceeded 400, ModelError 424, ServiceUnavailable 503,
# InternalServer 500 (plus Conflict 400 and ModelStreamError 424).
_SERVICE_MODEL = botocore.session.get_session().get_service_model("bedrock-runtime")
ERROR_STATUS: dict[str, int] = {
    shape.name: shape.metadata["error"]["httpStatusCode"] for shape in _SERVICE_MODEL.error_shapes
}
_ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
# InvokeModel's body limit, from the same service model (the API reference: 25,000,000 bytes).
INVOKE_MAX_BODY: int = (
    _SERVICE_MODEL.operation_model("InvokeModel").input_shape.members["body"].metadata["max"]
)
_MUST_START = (
    "A conversation must start with a user message. "
    "Try again with a conversation that starts with a user message."
)
_MUST_ALTERNATE = (
    "A conversation must alternate between user and assistant roles. "
    "Make sure the conversation alternates between user and assistant roles and try again."
)
# What Bedrock answers an image service invoked by its bare id: it has no on-demand capacity.
_ON_DEMAND = (
    "Invocation of model ID {} with on-demand throughput isn't supported. Retry your request "
    "with the ID or ARN of an inference profile that contains this model."
)
_ROUTE = re.compile(r"^/model/([^/]+)/(invoke|converse)$")
_GUARDRAIL_ROUTE = re.compile(r"^/guardrail/([^/]+)/version/([^/]+)/apply$")

# Image model id -> whether it supports image-to-image.
IMAGE_MODELS: dict[str, bool] = {
    "stability.sd3-5-large-v1:0": True,
    "stability.stable-image-core-v1:1": False,
    "stability.stable-image-ultra-v1:1": True,
}
TEXT_MODELS = frozenset({"amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0"})
PROFILE_PREFIXES = ("us.", "us-gov.", "eu.", "apac.", "jp.", "au.", "ca.", "global.")
OUTPUT_SIZES: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "16:9": (1344, 768),
    "21:9": (1536, 640),
    "2:3": (832, 1216),
    "3:2": (1216, 832),
    "4:5": (896, 1088),
    "5:4": (1088, 896),
    "9:16": (768, 1344),
    "9:21": (640, 1536),
}
_PROMPT_KEYS = frozenset({"prompt", "negative_prompt", "mode", "aspect_ratio", "seed"})
IMAGE_KEYS = _PROMPT_KEYS | {"output_format", "image", "strength"}
MODES = ("text-to-image", "image-to-image")
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
MAX_SEED = 4294967294
MAX_PROMPT = 10000
ENHANCE_SUFFIX = ", highly detailed, dramatic lighting, 8k"
# Converse requests whose system prompt mentions translating get a translation, not a rewrite:
# the canned English for a known prompt, else the text marked as translated.
_TRANSLATION_REQUEST = re.compile(r"\btranslat", re.IGNORECASE)
TRANSLATIONS = {
    "một con mèo đen ngủ trên mái nhà": "a black cat sleeping on a roof",
    "một con mèo": "a cat",
    "chat noir": "black cat",
}
TRANSLATED_PREFIX = "in English: "
STOP_REASONS = frozenset(cast(StringShape, _SERVICE_MODEL.shape_for("StopReason")).enum)
# ApplyGuardrail (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html):
# the path patterns, the sources, and the image limits of the image content filter
# (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-mmfilter.html).
GUARDRAIL_VERSION = re.compile(r"[1-9][0-9]{0,7}|DRAFT")
GUARDRAIL_SOURCES = frozenset({"INPUT", "OUTPUT"})
GUARDRAIL_IMAGE_FORMATS = {"png": "PNG", "jpeg": "JPEG"}
GUARDRAIL_MAX_IMAGE_BYTES = 4 * 1024 * 1024
GUARDRAIL_TEXT_UNIT = 1000  # characters per text unit, the billing unit
BLOCKED_MESSAGING = "Sorry, the model cannot answer this question."
CONTENT_KEYS = frozenset(cast(StructureShape, _SERVICE_MODEL.shape_for("ContentBlock")).members)


@dataclass
class RecordedCall:
    """One request the double received (``model_id``: the guardrail id for ApplyGuardrail)."""

    operation: str
    model_id: str
    body: dict[str, Any]
    version: str | None = None


@dataclass
class GuardrailRules:
    """What the double's guardrails block: texts with one of ``words``, and images if asked.

    ``known`` holds the guardrail ids that exist; any other id is a ResourceNotFound.
    """

    known: frozenset[str] = frozenset({"gr0test1"})
    words: frozenset[str] = frozenset({"bomb"})
    block_images: bool = False


@dataclass
class Fault:
    """A scripted failure (or delay) for the next matching request."""

    error_type: str
    status: int | None = None
    message: str = "injected fault"
    operation: str | None = None
    delay_seconds: float = 0.0

    def __post_init__(self) -> None:
        """Fill the status from the Bedrock error table."""
        if self.error_type and self.status is None:
            if self.error_type not in ERROR_STATUS:
                raise ValueError(f"unknown error type {self.error_type!r}: pass a status")
            self.status = ERROR_STATUS[self.error_type]


class BedrockError(Exception):
    """An error answered to the client as an AWS REST-JSON error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, ERROR_STATUS.get(code, 400)


def _base_model(model_id: str) -> str:
    """Return the model a cross-region inference profile id (``us.…``) routes to."""
    return next((model_id[len(p) :] for p in PROFILE_PREFIXES if model_id.startswith(p)), model_id)


def _invalid(message: str) -> BedrockError:
    """Return a ValidationException."""
    return BedrockError("ValidationException", message)


def _malformed(detail: str) -> BedrockError:
    """Return a ValidationException worded like Bedrock's schema errors."""
    return _invalid(f"Malformed input request: {detail}, please reformat your input and try again.")


def _is_number(value: object) -> bool:
    """Tell whether value is a JSON number (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _render(size: tuple[int, int], fmt: str, seed: int) -> str:
    """Return a base64 image of the given size and format, coloured from the seed."""
    colour = ((seed >> 16) & 255, (seed >> 8) & 255, seed & 255)
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=FORMATS[fmt])
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _input_size(body: dict[str, Any]) -> tuple[int, int]:
    """Validate the image-to-image fields and return the input image's size."""
    if "aspect_ratio" in body:
        raise _malformed("#: aspect_ratio is not supported for image-to-image")
    for key in ("image", "strength"):
        if key not in body:
            raise _malformed(f"#: required key [{key}] not found")
    strength = body["strength"]
    if not _is_number(strength) or not 0 <= strength <= 1:
        raise _malformed(f"#/strength: {strength!r} is not a number between 0 and 1")
    try:
        raw = base64.b64decode(body["image"], validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            width, height = image.size
    except (binascii.Error, TypeError, ValueError, OSError, Image.DecompressionBombError):
        raise _invalid(
            "Invalid image: the image must be a base64-encoded PNG, JPEG or WEBP."
        ) from None
    if min(width, height) < 64:
        raise _invalid(
            f"Invalid image: each side must be at least 64 pixels, got {width}x{height}."
        )
    return width, height


def _message_text(message: dict[str, Any]) -> str:
    """Join the text blocks of one message."""
    return " ".join(block["text"] for block in message["content"] if "text" in block)


def _check_messages(messages: object) -> list[dict[str, Any]]:
    """Validate Converse messages like the real API does."""
    if not isinstance(messages, list) or not messages:
        raise _invalid("The messages field must be a non-empty list of messages.")
    previous = None
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            raise _invalid(f"messages.{i}.role must be one of [user, assistant].")
        content = message.get("content")
        if not isinstance(content, list) or not content:
            raise _invalid(f"messages.{i}.content must be a non-empty list of content blocks.")
        for j, block in enumerate(content):
            if not isinstance(block, dict) or len(block) != 1 or not set(block) <= CONTENT_KEYS:
                raise _invalid(f"messages.{i}.content.{j} must have exactly one content type.")
            if "text" in block and (
                not isinstance(block["text"], str) or not block["text"].strip()
            ):
                raise _invalid(
                    f"The text field in the ContentBlock object at messages.{i}.content.{j} "
                    "is blank. Add text to the text field, and try again."
                )
        if i == 0 and message["role"] != "user":
            raise _invalid(_MUST_START)
        if message["role"] == previous:
            raise _invalid(_MUST_ALTERNATE)
        previous = message["role"]
    return messages


def _check_inference_config(config: object) -> None:
    """Validate Converse inferenceConfig bounds."""
    if not isinstance(config, dict):
        raise _invalid("inferenceConfig must be an object.")
    max_tokens = config.get("maxTokens", 1)
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise _invalid("The value at inferenceConfig.maxTokens must be a positive integer.")
    for key in ("temperature", "topP"):
        value = config.get(key, 0)
        if not _is_number(value) or not 0 <= value <= 1:
            raise _invalid(f"The value at inferenceConfig.{key} must be between 0 and 1.")


class _Server(ThreadingHTTPServer):
    """The HTTP server, holding a reference to its double."""

    daemon_threads = True
    double: BedrockDouble


class _Handler(BaseHTTPRequestHandler):
    """Routes every request to the owning BedrockDouble."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging."""

    def _dispatch(self) -> None:
        """Read the body and let the double answer."""
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        cast(_Server, self.server).double._handle(self, raw)

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _dispatch


class BedrockDouble(Served):
    """A fake Bedrock Runtime endpoint (InvokeModel, Converse for Nova, ApplyGuardrail).

    ``guardrails`` (a ``GuardrailRules``) says which guardrails exist and what they block.
    ``control`` answers the few control-plane (``bedrock``) calls ``genpic doctor`` makes
    on the same port: point ``AWS_ENDPOINT_URL_BEDROCK`` at ``url`` too.
    """

    def __init__(self) -> None:
        self.control = ControlPlane()
        self.control.reset()
        self.requests: list[RecordedCall] = []
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._reply: tuple[str | None, str] = (None, "end_turn")
        self._filter: str | None = None
        self.guardrails = GuardrailRules()
        self._quota: tuple[float, float] | None = None  # (requests per second, burst)
        self._tokens = 0.0
        self._refilled = 0.0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> BedrockDouble:
        """Start serving on a free loopback port."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.double = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    @property
    def url(self) -> str:
        """Return the endpoint URL, e.g. http://127.0.0.1:PORT."""
        if self._server is None:
            raise RuntimeError("BedrockDouble is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def reset(self) -> None:
        """Forget recorded requests, queued faults, scripted replies and filters."""
        self.control.reset()
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self._reply = (None, "end_turn")
            self._filter = None
            self.guardrails = GuardrailRules()
            self._quota = None

    def inject(self, *faults: Fault) -> None:
        """Queue faults, each consumed by the next matching request (FIFO)."""
        with self._lock:
            self._faults.extend(faults)

    def set_converse_reply(self, text: str | None = None, stop_reason: str = "end_turn") -> None:
        """Script the Converse reply text (None: default rewrite) and stop reason."""
        if stop_reason not in STOP_REASONS:
            raise ValueError(f"unknown stopReason {stop_reason!r}")
        with self._lock:
            self._reply = (text, stop_reason)

    def set_filter(self, reason: str | None) -> None:
        """Make every InvokeModel refuse (None: off).

        Stability models answer this finish reason and no image; Amazon image
        models answer their content-filter ValidationException.
        """
        with self._lock:
            self._filter = reason

    def set_rate_limit(self, rps: float | None, burst: float = 2.0) -> None:
        """Admit at most ``rps`` InvokeModel calls a second (a token bucket holding ``burst``).

        Calls over the quota answer ThrottlingException, as Bedrock's per-account quota
        does; None lifts the limit.
        """
        with self._lock:
            self._quota = None if rps is None else (rps, burst)
            self._tokens, self._refilled = burst, time.monotonic()

    def _over_quota(self) -> bool:
        """Take a token for one InvokeModel call; True when none is left (call with the lock)."""
        if self._quota is None:
            return False
        rps, burst = self._quota
        now = time.monotonic()
        self._tokens = min(burst, self._tokens + (now - self._refilled) * rps)
        self._refilled = now
        if self._tokens < 1:
            return True
        self._tokens -= 1
        return False

    def _handle(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        """Record, apply faults, then answer one request."""
        control = self.control.answer(handler.command, handler.path)
        if control is not None:
            status, payload, error_type = control
            _send(handler, status, payload, error_type and error_type + _ERROR_TYPE_SUFFIX)
            return
        path = urlsplit(handler.path).path if handler.command == "POST" else ""
        match, guardrail = _ROUTE.match(path), _GUARDRAIL_ROUTE.match(path)
        if match is None and guardrail is None:
            message = f"Unknown operation {handler.command} {handler.path}"
            _send(handler, 404, {"message": message}, "UnknownOperationException")
            return
        version = None
        if guardrail is not None:
            operation, model_id, version = "ApplyGuardrail", unquote(guardrail[1]), guardrail[2]
        else:
            assert match is not None
            operation = "InvokeModel" if match[2] == "invoke" else "Converse"
            model_id = unquote(match[1])
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        with self._lock:
            recorded = body if isinstance(body, dict) else {}
            self.requests.append(RecordedCall(operation, model_id, recorded, version))
            fault = next((f for f in self._faults if f.operation in (None, operation)), None)
            if fault is not None:
                self._faults.remove(fault)
            elif operation == "InvokeModel" and self._over_quota():
                fault = Fault("ThrottlingException", message="Too many requests, please wait.")
        if fault is not None:
            time.sleep(fault.delay_seconds)
            if fault.error_type:
                _send_error(handler, BedrockError(fault.error_type, fault.message), fault.status)
                return
        try:
            if not isinstance(body, dict):
                raise _malformed("#: expected type: JSONObject")
            if operation == "InvokeModel" and len(raw) > INVOKE_MAX_BODY:
                raise _invalid(
                    "1 validation error detected: Value at 'body' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {INVOKE_MAX_BODY}"
                )
            if version is not None:
                payload = self._apply_guardrail(model_id, unquote(version), body)
            else:
                answer = self._invoke if operation == "InvokeModel" else self._converse
                payload = answer(model_id, body)
        except BedrockError as error:
            _send_error(handler, error)
        else:
            _send(handler, 200, payload)

    def _invoke(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Answer InvokeModel like the Stability image models and image services on Bedrock."""
        # The Stability models answer through their US cross-region profiles too.
        profiled = model_id.startswith("us.")
        if profiled:
            model_id = _base_model(model_id)
        if model_id in stability_services.SERVICES:
            if not profiled:
                raise _invalid(_ON_DEMAND.format(model_id))
            with self._lock:
                reason = self._filter
            return stability_services.answer(model_id, body, _malformed, _invalid, reason)
        if model_id not in IMAGE_MODELS:
            raise _invalid("The provided model identifier is invalid.")
        extra = sorted(set(body) - IMAGE_KEYS)
        if extra:
            raise _malformed(f"#: extraneous key [{extra[0]}] is not permitted")
        for key in ("prompt", "negative_prompt"):
            value = body.get(key, "")
            if not isinstance(value, str) or len(value) > MAX_PROMPT:
                raise _malformed(f"#/{key}: expected a string of at most {MAX_PROMPT} characters")
        if not body.get("prompt", "").strip():
            raise _malformed("#: required key [prompt] not found or empty")
        mode = body.get("mode", "text-to-image")
        if mode not in MODES:
            raise _malformed(f"#/mode: {mode} is not a valid enum value")
        aspect = body.get("aspect_ratio", "1:1")
        if aspect not in OUTPUT_SIZES:
            raise _malformed(f"#/aspect_ratio: {aspect} is not a valid enum value")
        seed = body.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
            raise _malformed(f"#/seed: {seed!r} is not an integer between 0 and {MAX_SEED}")
        fmt = body.get("output_format", "png")
        if fmt not in FORMATS:
            raise _malformed(f"#/output_format: {fmt} is not a valid enum value")
        if mode == "image-to-image":
            if not IMAGE_MODELS[model_id]:
                raise _invalid(f"Model {model_id} does not support image-to-image.")
            size = _input_size(body)
        else:
            size = OUTPUT_SIZES[aspect]
        seed = seed or random.randint(1, MAX_SEED)
        with self._lock:
            reason = self._filter
        if reason is not None:
            return {"seeds": [seed], "finish_reasons": [reason], "images": []}
        return {"seeds": [seed], "finish_reasons": [None], "images": [_render(size, fmt, seed)]}

    def _converse(self, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Answer Converse like a Nova model rewriting the prompt."""
        if _base_model(model_id) not in TEXT_MODELS:
            raise _invalid("The provided model identifier is invalid.")
        messages = _check_messages(body.get("messages"))
        system = body.get("system", [])
        if not isinstance(system, list) or not all(isinstance(b, dict) for b in system):
            raise _invalid("system must be a list of system content blocks.")
        _check_inference_config(body.get("inferenceConfig", {}))
        user = [m for m in messages if m["role"] == "user"]
        with self._lock:
            text, stop_reason = self._reply
        prompt_text = " ".join(str(b.get("text", "")) for b in system)
        if text is None:
            text = _default_reply(prompt_text, _message_text(user[-1]))
        prompt_text += " " + " ".join(_message_text(m) for m in user)
        tokens_in, tokens_out = max(1, len(prompt_text.split())), max(1, len(text.split()))
        return {
            "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": stop_reason,
            "usage": {
                "inputTokens": tokens_in,
                "outputTokens": tokens_out,
                "totalTokens": tokens_in + tokens_out,
            },
            "metrics": {"latencyMs": 5},
        }

    def _apply_guardrail(
        self, guardrail: str, version: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """Answer ApplyGuardrail like a guardrail with a SEXUAL content filter (text and image)."""
        if not GUARDRAIL_VERSION.fullmatch(version):
            raise _invalid(f"1 validation error detected: Value '{version}' at 'guardrailVersion'")
        with self._lock:
            rules = self.guardrails
        if guardrail.rsplit("/", 1)[-1] not in rules.known:
            raise BedrockError(
                "ResourceNotFoundException", "The guardrail identifier or version is invalid."
            )
        if body.get("source") not in GUARDRAIL_SOURCES:
            raise _invalid(
                "1 validation error detected: Value at 'source' failed to satisfy constraint"
            )
        content = body.get("content")
        if not isinstance(content, list) or not content:
            raise _invalid("The content field must be a non-empty list of content blocks.")
        texts, images = _guardrail_content(content)
        blocked = any(word in text.casefold() for text in texts for word in rules.words)
        blocked = blocked or bool(images and rules.block_images)
        text_units = sum(-(-len(text) // GUARDRAIL_TEXT_UNIT) for text in texts)
        usage = {
            "topicPolicyUnits": 0,
            "contentPolicyUnits": text_units,
            "wordPolicyUnits": text_units,
            "sensitiveInformationPolicyUnits": 0,
            "sensitiveInformationPolicyFreeUnits": 0,
            "contextualGroundingPolicyUnits": 0,
            "contentPolicyImageUnits": images,
        }
        filters = [
            {
                "type": "SEXUAL",
                "confidence": "HIGH" if blocked else "NONE",
                "filterStrength": "HIGH",
                "action": "BLOCKED" if blocked else "NONE",
                "detected": blocked,
            }
        ]
        characters = sum(map(len, texts))
        answer: dict[str, Any] = {
            "usage": usage,
            "action": "GUARDRAIL_INTERVENED" if blocked else "NONE",
            "outputs": [{"text": BLOCKED_MESSAGING}] if blocked else [],
            "assessments": [
                {
                    "contentPolicy": {"filters": filters},
                    "invocationMetrics": {"guardrailProcessingLatency": 42, "usage": usage},
                }
            ],
            "guardrailCoverage": {
                "textCharacters": {"guarded": characters, "total": characters},
                "images": {"guarded": images, "total": images},
            },
        }
        if blocked:
            answer["actionReason"] = "Guardrail blocked."
        return answer


def _guardrail_content(content: list[Any]) -> tuple[list[str], int]:
    """Validate ApplyGuardrail content blocks; return their texts and the number of images."""
    texts: list[str] = []
    images = 0
    for i, block in enumerate(content):
        if not isinstance(block, dict) or len(block) != 1 or not set(block) <= {"text", "image"}:
            raise _invalid(f"content.{i} must have exactly one of text or image.")
        if "text" in block:
            text = block["text"].get("text") if isinstance(block["text"], dict) else None
            if not isinstance(text, str):
                raise _invalid(f"content.{i}.text.text is required.")
            texts.append(text)
            continue
        image = block["image"]
        fmt = image.get("format") if isinstance(image, dict) else None
        if fmt not in GUARDRAIL_IMAGE_FORMATS:
            raise _invalid(f"content.{i}.image.format must be one of png, jpeg.")
        try:
            raw = base64.b64decode(image["source"]["bytes"], validate=True)
            with Image.open(io.BytesIO(raw)) as opened:
                opened.load()
                actual = opened.format
        except (binascii.Error, KeyError, TypeError, ValueError, OSError):
            raise _invalid(f"content.{i}.image: the image could not be decoded.") from None
        if len(raw) > GUARDRAIL_MAX_IMAGE_BYTES:
            raise _invalid(f"content.{i}.image is over the 4 MB limit.")
        if actual != GUARDRAIL_IMAGE_FORMATS[fmt]:
            raise _invalid(f"content.{i}.image is {actual}, not {fmt}.")
        images += 1
    return texts, images


def _default_reply(system: str, prompt: str) -> str:
    """Translate when the system prompt asks for it, else rewrite like an enhancer."""
    if _TRANSLATION_REQUEST.search(system):
        return TRANSLATIONS.get(prompt, TRANSLATED_PREFIX + prompt)
    return prompt + ENHANCE_SUFFIX


def _send_error(
    handler: BaseHTTPRequestHandler, error: BedrockError, status: int | None = None
) -> None:
    """Answer an AWS REST-JSON error."""
    code = error.code + _ERROR_TYPE_SUFFIX
    _send(handler, status or error.status, {"message": error.message}, code)


def _send(
    handler: BaseHTTPRequestHandler, status: int, payload: object, error_type: str | None = None
) -> None:
    """Write one JSON response, tolerating clients that already hung up."""
    data = json.dumps(payload).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error_type:
            handler.send_header("x-amzn-ErrorType", error_type)
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()
    except OSError:
        handler.close_connection = True
