"""Screens a request passes before any model sees it: the blocklist and the Bedrock guardrail.

``Screens`` (``genpic.screens.stage``) is the pipeline's screening stage; ``blocklist``
and ``guardrail`` are the two screens; ``refusals`` counts every refusal per screen.
"""
