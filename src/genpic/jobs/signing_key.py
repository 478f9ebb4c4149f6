"""The key webhooks are signed with: ``GENPIC_WEBHOOK_SECRET``, or a Secrets Manager secret.

On AWS the key never sits in the function's environment: ``GENPIC_WEBHOOK_SECRET_ARN``
names the secret, read with ``GetSecretValue`` on the first webhook and kept for the
life of the process (a worker is short-lived; a rotated key reaches new ones). A value
in ``GENPIC_WEBHOOK_SECRET`` (local use) wins over the secret.
"""

from __future__ import annotations

from functools import lru_cache

from genpic.settings import WEBHOOK_SECRET_ARN, Settings


def signing_key(settings: Settings) -> str | None:
    """Return the webhook signing key, or None when webhooks go unsigned.

    Raises
    ------
    GenpicError
        The secret could not be read (``ConfigurationError`` when it is missing or the
        role may not read it).
    """
    if settings.webhook_secret:
        return settings.webhook_secret
    if not settings.webhook_secret_arn:
        return None
    return _read(settings, settings.webhook_secret_arn)


@lru_cache(maxsize=4)
def _read(settings: Settings, secret_id: str) -> str:
    from genpic.awssdk.clients import secretsmanager
    from genpic.awssdk.errors import secret_error

    try:
        response = secretsmanager(settings).get_secret_value(SecretId=secret_id)
    except Exception as exc:
        raise secret_error(exc, WEBHOOK_SECRET_ARN) from exc
    return str(response["SecretString"])
