"""The WSGI entry point: ``gunicorn app:app`` or ``flask --app app run``."""

import gc

from config import require_explicit_config
from tracker import create_app

require_explicit_config()
app = create_app()
# What the app loaded to start (modules, mappers, catalogues: some 340,000 objects) lives as
# long as the process: frozen, the garbage collector's full passes no longer walk it. Each
# such pass cost tens of milliseconds, to the request that happened to trigger it (bench/
# pages.py: the project page's 95th percentile).
gc.collect()
gc.freeze()
