"""Screens a request passes before any model sees it: the blocklist and the Bedrock guardrail.

``Screens`` (``genpic.screens.stage``) is the pipeline's screening stage; ``blocklist``
and ``guardrail`` are the two screens. A refusal is counted where it is answered, under
its screen (``genpic.telemetry.record_error``).
"""
