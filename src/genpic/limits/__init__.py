"""Every client held to its share: who a client is, and how many images it may have.

- ``identity``: the client of a request (API key name, the caller API Gateway
  vouches for, or the source IP);
- ``limiter``: ``GENPIC_RATE_LIMIT`` and ``GENPIC_DAILY_QUOTA``, counted in images
  in the records store, so every process and Lambda environment shares one count.
"""
