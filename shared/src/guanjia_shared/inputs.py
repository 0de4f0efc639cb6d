"""The base of every request body a route accepts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictInput(BaseModel):
    """A body that refuses fields it does not know (a misspelt field is an error, not
    silently ignored) and trims the whitespace around its strings. A body whose values must
    not be coerced either (`"3"` for 3) adds `strict=True` to its own `model_config`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
