"""Configuration read from the environment, with defaults that depend on where we run."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from genpic.catalog import (
    DEFAULT_ALLOWED_MODELS,
    DEFAULT_IMAGE_MODEL,
    DEFAULT_TEXT_MODEL,
    retirement,
)
from genpic.errors import ConfigurationError
from genpic.vocabulary import TRANSLATE_MODES, TranslateMode

# Environment variable names, in one place.
OUTPUT_BUCKET = "OUTPUT_BUCKET"
INPUT_BUCKET = "INPUT_BUCKET"
AWS_REGION = "AWS_REGION"
AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION"
LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"
LAMBDA_HANDLER = "_HANDLER"
ENGINE = "GENPIC_ENGINE"
ENHANCER = "GENPIC_ENHANCER"
STORAGE = "GENPIC_STORAGE"
DATA_DIR = "GENPIC_DATA_DIR"
IMAGE_MODEL = "GENPIC_IMAGE_MODEL"
TEXT_MODEL = "GENPIC_TEXT_MODEL"
ALLOWED_MODELS = "GENPIC_ALLOWED_MODELS"
PUBLIC_URL = "GENPIC_PUBLIC_URL"
MODEL_TIMEOUT = "GENPIC_MODEL_TIMEOUT"
ENHANCE_TIMEOUT = "GENPIC_ENHANCE_TIMEOUT"
MODEL_ATTEMPTS = "GENPIC_MODEL_ATTEMPTS"
TRANSLATE = "GENPIC_TRANSLATE"
REQUEST_TIMEOUT = "GENPIC_REQUEST_TIMEOUT"
LOG_LEVEL = "GENPIC_LOG_LEVEL"
CORS_ORIGINS = "GENPIC_CORS_ORIGINS"
ALLOWED_HOSTS = "GENPIC_ALLOWED_HOSTS"
API_KEY = "GENPIC_API_KEY"
RECORDS = "GENPIC_RECORDS"
TABLE = "GENPIC_TABLE"
CACHE_TTL_DAYS = "GENPIC_CACHE_TTL_DAYS"
AB_ENHANCE_SHARE = "GENPIC_AB_ENHANCE_SHARE"
QUEUE_URL = "GENPIC_QUEUE_URL"
MODEL_RPS = "GENPIC_MODEL_RPS"
WEBHOOK_SECRET = "GENPIC_WEBHOOK_SECRET"
WEBHOOK_SECRET_ARN = "GENPIC_WEBHOOK_SECRET_ARN"
WEBHOOK_ALLOW_PRIVATE = "GENPIC_WEBHOOK_ALLOW_PRIVATE"
JOB_MAX_RECEIVES = "GENPIC_JOB_MAX_RECEIVES"
BLOCKLIST = "GENPIC_BLOCKLIST"
BLOCKLIST_DEFAULT = "GENPIC_BLOCKLIST_DEFAULT"
GUARDRAIL_ID = "GENPIC_GUARDRAIL_ID"
GUARDRAIL_VERSION = "GENPIC_GUARDRAIL_VERSION"
GUARDRAIL_IMAGES = "GENPIC_GUARDRAIL_IMAGES"
API_KEYS = "GENPIC_API_KEYS"
RATE_LIMIT = "GENPIC_RATE_LIMIT"
DAILY_QUOTA = "GENPIC_DAILY_QUOTA"
METRICS = "GENPIC_METRICS"

DEFAULT_REGION = "us-west-2"
# ApplyGuardrail's own patterns for guardrailIdentifier and guardrailVersion
# (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html).
_GUARDRAIL_ID = re.compile(
    r"[a-z0-9]+|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+"
)
_GUARDRAIL_VERSION = re.compile(r"[1-9][0-9]{0,7}|DRAFT")
#: The client name ``GENPIC_API_KEY`` (the single key) stands for.
SINGLE_KEY_NAME = "default"
#: ``GENPIC_RATE_LIMIT`` periods, in seconds; fixed windows aligned to UTC.
RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d{1,9})\s*/\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline and its backends need to know about the deployment."""

    engine: str = "preview"
    enhancer: str = "template"
    storage: str = "local"
    data_dir: Path = Path("genpic-data")
    region: str = DEFAULT_REGION
    output_bucket: str | None = None
    input_bucket: str | None = None
    image_model: str = DEFAULT_IMAGE_MODEL
    text_model: str = DEFAULT_TEXT_MODEL
    allowed_models: tuple[str, ...] = DEFAULT_ALLOWED_MODELS
    public_url: str | None = None
    # Caps per call; genpic.deadline fits them into the request's budget.
    model_timeout_s: float = 20.0
    enhance_timeout_s: float = 6.0
    model_attempts: int = 3
    translate: TranslateMode = "auto"
    # Under API Gateway's 29 s (REST API), with a second for Lambda and the gateway.
    request_timeout_s: float = 28.0
    # The HTTP app: browser origins allowed to call it, and the key every route but /health needs.
    cors_origins: tuple[str, ...] = ()
    # The Host names the HTTP app answers; None: those of the address it binds
    # (genpic.crosssite.default_hosts). On Lambda any: API Gateway hands the function only
    # requests for its own execute-api or custom domain, and that endpoint is public anyway,
    # so a rebound DNS name reaches nothing it could not reach directly.
    allowed_hosts: tuple[str, ...] | None = None
    api_key: str | None = field(default=None, repr=False)
    # Named client keys (GENPIC_API_KEYS, plus GENPIC_API_KEY as "default"): (name, key) pairs.
    api_keys: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # Per-client limits (genpic.limits): images per window (count, seconds), images per UTC day.
    rate_limit: tuple[int, int] | None = None
    daily_quota: int | None = None
    # The records store (genpic.records): backend, DynamoDB table, cache entry lifetime.
    records: str = "sqlite"
    table: str | None = None
    cache_ttl_days: float = 30.0
    # The A/B experiment: the share of undecided enhancing requests enhanced (None: no experiment).
    ab_enhance_share: float | None = None
    # Jobs (genpic.jobs): the SQS queue on AWS (None: in-process), the model's request quota
    # (None: unpaced), webhook signing and targets, and the queue's maxReceiveCount.
    queue_url: str | None = None
    model_rps: float | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    # On AWS the key stays in Secrets Manager and is read at run time (genpic.jobs.signing_key).
    webhook_secret_arn: str | None = None
    webhook_allow_private: bool = False
    job_max_receives: int = 5
    # Screens (genpic.screens): the operator's blocklist file, the built-in list, and the
    # Bedrock guardrail every prompt (and, with guardrail_images, every image) must pass.
    blocklist: Path | None = None
    blocklist_default: bool = True
    guardrail_id: str | None = None
    guardrail_version: str = "DRAFT"
    guardrail_images: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default ``os.environ``)."""
        env = os.environ if env is None else env
        on_lambda = bool(env.get(LAMBDA_FUNCTION_NAME))
        image_model = _usable_model(env, IMAGE_MODEL, DEFAULT_IMAGE_MODEL)
        allowed = _split(env.get(ALLOWED_MODELS)) or DEFAULT_ALLOWED_MODELS
        if image_model not in allowed:
            allowed = (*allowed, image_model)
        return cls(
            engine=_choice(env, ENGINE, "bedrock" if on_lambda else "preview"),
            enhancer=_choice(env, ENHANCER, "bedrock" if on_lambda else "template"),
            storage=_choice(env, STORAGE, "s3" if on_lambda else "local"),
            data_dir=Path(env.get(DATA_DIR) or "genpic-data"),
            region=env.get(AWS_REGION) or env.get(AWS_DEFAULT_REGION) or DEFAULT_REGION,
            output_bucket=env.get(OUTPUT_BUCKET) or None,
            input_bucket=env.get(INPUT_BUCKET) or None,
            image_model=image_model,
            text_model=_usable_model(env, TEXT_MODEL, DEFAULT_TEXT_MODEL),
            allowed_models=allowed,
            public_url=(env.get(PUBLIC_URL) or "").rstrip("/") or None,
            model_timeout_s=_number(env, MODEL_TIMEOUT, float, 20.0),
            enhance_timeout_s=_number(env, ENHANCE_TIMEOUT, float, 6.0),
            model_attempts=_number(env, MODEL_ATTEMPTS, int, 3),
            translate=_translate_mode(env),
            request_timeout_s=_number(env, REQUEST_TIMEOUT, float, 28.0),
            cors_origins=_split(env.get(CORS_ORIGINS)),
            allowed_hosts=_split(env.get(ALLOWED_HOSTS)) or (("*",) if on_lambda else None),
            api_key=env.get(API_KEY) or None,
            api_keys=_api_keys(env),
            rate_limit=_rate_limit(env),
            daily_quota=_number(env, DAILY_QUOTA, int, 0) or None,
            records=_choice(env, RECORDS, "dynamodb" if on_lambda else "sqlite"),
            table=env.get(TABLE) or None,
            cache_ttl_days=_number(env, CACHE_TTL_DAYS, float, 30.0),
            ab_enhance_share=_share(env, AB_ENHANCE_SHARE),
            queue_url=env.get(QUEUE_URL) or None,
            model_rps=_number(env, MODEL_RPS, float, 0.0) or None,
            webhook_secret=env.get(WEBHOOK_SECRET) or None,
            webhook_secret_arn=env.get(WEBHOOK_SECRET_ARN) or None,
            webhook_allow_private=_choice(env, WEBHOOK_ALLOW_PRIVATE, "false") == "true",
            job_max_receives=_number(env, JOB_MAX_RECEIVES, int, 5),
            blocklist=Path(env[BLOCKLIST]) if env.get(BLOCKLIST) else None,
            blocklist_default=_switch(env, BLOCKLIST_DEFAULT, default=True),
            guardrail_id=_matching(env, GUARDRAIL_ID, _GUARDRAIL_ID, "a guardrail id or ARN"),
            guardrail_version=_matching(
                env, GUARDRAIL_VERSION, _GUARDRAIL_VERSION, "DRAFT or a version number"
            )
            or "DRAFT",
            guardrail_images=_switch(env, GUARDRAIL_IMAGES, default=False),
        )


def _usable_model(env: Mapping[str, str], name: str, default: str) -> str:
    # The model every request without a ``model`` gets: a retired one would fail them all.
    model = env.get(name) or default
    retired = retirement(model)
    if retired:
        raise ConfigurationError(f"{name}: {retired}.")
    return model


def _choice(env: Mapping[str, str], name: str, default: str) -> str:
    return (env.get(name) or default).strip().lower()


def _switch(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    value = _choice(env, name, "on" if default else "off")
    if value not in ("on", "off"):
        raise ConfigurationError(f"{name}={env[name]!r} is not supported; use on or off.")
    return value == "on"


def _matching(env: Mapping[str, str], name: str, pattern: re.Pattern[str], what: str) -> str | None:
    value = env.get(name, "").strip()
    if value and not pattern.fullmatch(value):
        raise ConfigurationError(f"{name}={env[name]!r} is not {what}.")
    return value or None


def _translate_mode(env: Mapping[str, str]) -> TranslateMode:
    value = _choice(env, TRANSLATE, "auto")
    for mode in TRANSLATE_MODES:
        if value == mode:
            return mode
    raise ConfigurationError(
        f"{TRANSLATE}={env[TRANSLATE]!r} is not supported; use one of {', '.join(TRANSLATE_MODES)}."
    )


def _number(env: Mapping[str, str], name: str, kind: type[N], default: N) -> N:
    raw = env.get(name)
    if not raw:
        return default
    problem = ConfigurationError(f"{name}={raw!r} must be a positive {kind.__name__}.")
    try:
        value = kind(raw)
    except ValueError:
        raise problem from None
    if value <= 0:
        raise problem
    return value


def _share(env: Mapping[str, str], name: str) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise ConfigurationError(
            f"{name}={env[name]!r} must be a number from 0 to 1 (the share of requests enhanced)."
        )
    return value


def _api_keys(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Return ``GENPIC_API_KEYS`` (``name=key,…``) and ``GENPIC_API_KEY`` as (name, key) pairs."""
    pairs: list[tuple[str, str]] = []
    for entry in _split(env.get(API_KEYS)):
        name, _, key = (part.strip() for part in entry.partition("="))
        if not name or not key:
            raise ConfigurationError(
                f"{API_KEYS} holds name=key pairs separated by commas (alice=k1,bob=k2); "
                f"{entry.partition('=')[0].strip() or 'an entry'!r} has no name or no key."
            )
        pairs.append((name, key))
    single = env.get(API_KEY)
    if single:
        pairs.append((SINGLE_KEY_NAME, single))
    names = [name for name, _ in pairs]
    keys = [key for _, key in pairs]
    if len(set(names)) < len(names) or len(set(keys)) < len(keys):
        raise ConfigurationError(
            f"Each client in {API_KEYS} needs its own name and its own key (and "
            f"{API_KEY} is the client {SINGLE_KEY_NAME!r}); two entries share one."
        )
    return tuple(pairs)


def _rate_limit(env: Mapping[str, str]) -> tuple[int, int] | None:
    raw = env.get(RATE_LIMIT, "")
    if not raw.strip():
        return None
    match = _RATE.match(raw)
    if match is None or int(match[1]) == 0:
        raise ConfigurationError(
            f"{RATE_LIMIT}={raw!r} must be images per period, such as 30/minute or 500/hour "
            f"(periods: {', '.join(RATE_PERIODS)})."
        )
    return int(match[1]), RATE_PERIODS[match[2].lower()]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())
