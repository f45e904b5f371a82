"""The shape check of a JSON body, before any model (or even the JSON parser) sees it.

A body under the byte cap can still hold tens of thousands of keys, and everything after the
scan grows with them: the parse (one C call that holds the interpreter lock throughout), the
validation, the list of errors. So a tokenizer pass counts first, and stops at the first cap it
crosses: keys of one object, values in the whole body, nesting depth. Its answer names one place
and stays small. The parse that follows is bounded by those caps; it also reads integral number
literals (``5.0``) as integers, since no request field is a float.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: A key is the caller's text: it is shortened before it is named in an error.
_MAX_NAME = 64
#: A whole string (escapes included), or one structural character. Everything else (numbers,
#: literals, white space) is skipped by ``finditer``.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]', re.DOTALL)


@dataclass(frozen=True)
class JsonLimits:
    max_keys: int  # per object
    max_items: int  # object members and array items of the whole body together
    max_depth: int


class JsonShapeError(ValueError):
    """The body is past a shape cap; ``field`` names where."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def name_part(part: object) -> str:
    text = str(part).encode("utf-8", errors="replace").decode("utf-8")
    return text if len(text) <= _MAX_NAME else text[:_MAX_NAME] + "…"


def _key_text(token: bytes) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return "?"


class _Level:
    __slots__ = ("is_object", "key", "members", "path")

    def __init__(self, is_object: bool, path: str) -> None:
        self.is_object = is_object
        self.members = 0  # commas seen; members = commas + 1 once anything is inside
        self.path = path
        self.key = ""  # the last key read in this object


def check_shape(body: bytes, limits: JsonLimits) -> None:
    """Raise ``JsonShapeError`` at the first cap the body crosses. Linear, and stops early; a
    body that is not JSON passes (the parser will say what is wrong)."""
    stack: list[_Level] = []
    items = 0
    last: bytes = b""
    for match in _TOKEN.finditer(body):
        token = match.group()
        top = stack[-1] if stack else None
        if token in (b"{", b"["):
            if top is None or (top.path == "body" and not top.is_object):
                path = "body"  # the root, or inside a root that is not an object
            elif top.is_object:
                path = top.key if top.path == "body" else f"{top.path}.{top.key}"
            else:
                path = f"{top.path}.{top.members}"
            if len(stack) >= limits.max_depth:
                raise JsonShapeError(
                    f"{path} is nested deeper than {limits.max_depth} levels",
                    path.split(".")[0],
                )
            stack.append(_Level(token == b"{", path))
        elif token in (b"}", b"]"):
            if stack:
                stack.pop()
        elif top is None:
            pass
        elif token == b",":
            top.members += 1
            items += 1
            if top.is_object and top.members >= limits.max_keys:
                raise JsonShapeError(f"{top.path} has more than {limits.max_keys} keys", top.path)
            if items >= limits.max_items:
                raise JsonShapeError(
                    f"the body has more than {limits.max_items} values in its objects and arrays",
                    "body",
                )
        elif token == b":" and top.is_object and last.startswith(b'"'):
            top.key = name_part(_key_text(last))
        last = token


def inspect_json(body: bytes, limits: JsonLimits) -> bytes:
    """The body to hand on (re-encoded only when ``5.0``-style numbers were read as integers).

    Raises ``JsonShapeError`` past a cap; invalid JSON is passed through unchanged, for the
    framework's own field-level answer. CPU-bound: call it off the event loop.
    """
    check_shape(body, limits)
    changed = False

    def parse_float(text: str) -> float | int:
        nonlocal changed
        value = float(text)
        if value.is_integer() and abs(value) < 2**53:
            changed = True
            return int(value)
        return value

    try:
        data = json.loads(body, parse_float=parse_float)
    except RecursionError:  # only when the depth cap is set past the parser's own limit
        raise JsonShapeError("the body is nested too deeply", "body") from None
    except ValueError:  # invalid JSON: the framework answers it with the field-level 422
        return body
    return json.dumps(data).encode("ascii") if changed else body
