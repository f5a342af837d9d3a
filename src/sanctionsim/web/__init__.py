"""The web app: :func:`sanctionsim.web.app.create_app` (FastAPI, Jinja2 pages, a JSON API).

Run it with ``sanctionsim serve`` or ``uvicorn --factory sanctionsim.web.app:create_app``.
Importing this package starts nothing.
"""
