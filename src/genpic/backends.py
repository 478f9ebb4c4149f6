"""Choose backends by name; each is imported only when chosen, to keep start-up cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from genpic.errors import ConfigurationError
from genpic.settings import ENGINE, ENHANCER, RECORDS, STORAGE, Settings
from genpic.vocabulary import ENGINES, ENHANCERS, RECORD_STORES, STORES

if TYPE_CHECKING:
    from genpic.engines.base import ImageEngine
    from genpic.enhancers.base import PromptEnhancer
    from genpic.records.base import RecordStore
    from genpic.storage.base import ImageStore


def create_engine(settings: Settings) -> ImageEngine:
    """Return the image engine named by ``GENPIC_ENGINE``."""
    if settings.engine == "bedrock":
        from genpic.engines.bedrock import BedrockImageEngine

        return BedrockImageEngine(settings)
    if settings.engine == "preview":
        from genpic.engines.preview import PreviewEngine

        return PreviewEngine()
    raise _unknown(ENGINE, settings.engine, ENGINES)


def create_enhancer(settings: Settings) -> PromptEnhancer | None:
    """Return the prompt enhancer named by ``GENPIC_ENHANCER`` (None when ``off``)."""
    if settings.enhancer == "bedrock":
        from genpic.enhancers.bedrock import ConverseEnhancer

        return ConverseEnhancer(settings)
    if settings.enhancer == "template":
        from genpic.enhancers.template import TemplateEnhancer

        return TemplateEnhancer()
    if settings.enhancer == "off":
        return None
    raise _unknown(ENHANCER, settings.enhancer, ENHANCERS)


def create_store(settings: Settings) -> ImageStore:
    """Return the image store named by ``GENPIC_STORAGE``."""
    if settings.storage == "s3":
        from genpic.storage.s3 import S3Store

        return S3Store(settings)
    if settings.storage == "local":
        from genpic.storage.local import LocalStore

        return LocalStore(settings)
    raise _unknown(STORAGE, settings.storage, STORES)


def create_records(settings: Settings) -> RecordStore:
    """Return the records store named by ``GENPIC_RECORDS``.

    Raises
    ------
    ConfigurationError
        The name is unknown, or DynamoDB is chosen without ``GENPIC_TABLE``.
    """
    if settings.records == "dynamodb":
        from genpic.records.dynamodb import DynamoRecords

        return DynamoRecords(settings)
    if settings.records == "sqlite":
        from genpic.records.sqlite import SqliteRecords

        return SqliteRecords(settings)
    raise _unknown(RECORDS, settings.records, RECORD_STORES)


def _unknown(variable: str, value: str, choices: tuple[str, ...]) -> ConfigurationError:
    return ConfigurationError(
        f"{variable}={value!r} is not supported; use one of {', '.join(choices)}."
    )
