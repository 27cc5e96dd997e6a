"""The JSON API, /api/v1/: what the pages show, for HQ's other systems and the institutes'
own tools, under the same permission predicates as the pages (one rule, two doors).

- `auth`: the personal access token of each request (no cookie, no CSRF).
- `problems`: errors as RFC 9457 problem details.
- `spec`: each operation declared once, with its pydantic models; the OpenAPI 3.1 document
  is built from those declarations.
- `reads`, `writes`: the operations.
"""
