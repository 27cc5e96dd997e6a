"""The WSGI entry point: ``gunicorn app:app`` or ``flask --app app run``."""

from config import require_explicit_config
from tracker import create_app

require_explicit_config()
app = create_app()
