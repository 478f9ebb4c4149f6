"""What genpic remembers between requests: images, caches, idempotency, A/B arms, feedback, stats.

The interface is ``genpic.records.base.RecordStore``; ``genpic.backends.create_records``
picks the backend (``GENPIC_RECORDS``: ``dynamodb`` or ``sqlite``).
"""
