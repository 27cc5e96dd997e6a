"""A request's query string, read through its pydantic model (a refusal is a 400 problem,
`tracker.web.errors`)."""

from __future__ import annotations

from typing import TypeVar

from flask import request
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def query_args(model: type[M]) -> M:
    return model.model_validate({k: v for k, v in request.args.items()})
