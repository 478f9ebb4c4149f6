"""The HTTP app: one FastAPI application served by ``genpic serve`` and on Lambda (Mangum).

``genpic.http.app.create_app`` builds it; nothing here is imported by the
``generate`` and ``enhance`` Lambda handlers, so FastAPI stays out of their cold start.
"""
