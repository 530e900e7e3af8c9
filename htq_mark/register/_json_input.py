"""Reading a JSON register while keeping the line each record starts on.

The document is either an array of record objects or an object whose
``"records"`` member is that array (other members are metadata). Records are
decoded one at a time with :meth:`json.JSONDecoder.raw_decode`, which gives
their position and so their line number.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JsonDocument", "JsonSyntaxError", "parse_json_register"]

_WHITESPACE = " \t\r\n"


class JsonSyntaxError(ValueError):
    """The text is not valid JSON, or not shaped like a register; ``line`` says where."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class JsonDocument:
    """The records (with their line numbers) and the metadata members of a JSON register."""

    records: list[tuple[int, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


class _Cursor:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.decoder = json.JSONDecoder(object_pairs_hook=_without_repeats)
        self._line = 1
        self._line_pos = 0

    def line(self, pos: int | None = None) -> int:
        """The line number of ``pos`` (counted incrementally: positions only grow)."""
        target = self.pos if pos is None else pos
        if target >= self._line_pos:
            self._line += self.text.count("\n", self._line_pos, target)
        else:
            self._line = self.text.count("\n", 0, target) + 1
        self._line_pos = target
        return self._line

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, chars: str, what: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            found = repr(char) if char else "the end of the file"
            raise JsonSyntaxError(f"expected {what}, found {found}", self.line())
        self.pos += 1
        return char

    def value(self) -> Any:
        self.skip_space()
        start = self.pos
        try:
            value, self.pos = self.decoder.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as exc:
            raise JsonSyntaxError(f"not valid JSON ({exc.msg})", self.line(exc.pos)) from exc
        except _RepeatedMember as exc:
            raise JsonSyntaxError(f"the member {exc.args[0]!r} is given twice in one object; keep one",
                                  self.line(start)) from None
        except RecursionError as exc:
            raise JsonSyntaxError("the JSON is nested too deeply", self.line(start)) from exc
        except ValueError as exc:  # Python refuses to read integers of more digits than sys.get_int_max_str_digits()
            raise JsonSyntaxError(f"a number of more than {sys.get_int_max_str_digits():,} digits, longer than any "
                                  "field of a register holds; fix the value", self.line(start)) from exc
        if _has_lone_surrogate(value):
            raise JsonSyntaxError("text that is not valid Unicode (an escape such as \\ud800 that stands for half "
                                  "a character); fix the text", self.line(start))
        return value


class _RepeatedMember(Exception):
    """A JSON object gives one member twice (readers differ on which counts)."""


def _without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise _RepeatedMember(key)
        members[key] = value
    return members


def _has_lone_surrogate(value: Any) -> bool:
    """Whether text in ``value`` (decoded JSON) holds a lone surrogate, which no UTF-8 file can hold."""
    pending = [value]  # walked without recursion: the JSON may be nested as deep as the decoder allows
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _records_array(cursor: _Cursor, document: JsonDocument) -> None:
    cursor.expect("[", "'[' starting the list of records")
    if cursor.peek() == "]":
        cursor.pos += 1
        return
    while True:
        cursor.skip_space()
        line = cursor.line()
        document.records.append((line, cursor.value()))
        if cursor.expect(",]", "',' or ']' after a record") == "]":
            return


def parse_json_register(text: str) -> JsonDocument:
    """Parse a JSON register; raises :class:`JsonSyntaxError` with the line of the fault."""
    cursor = _Cursor(text)
    document = JsonDocument()
    first = cursor.peek()
    if first == "[":
        _records_array(cursor, document)
    elif first == "{":
        cursor.pos += 1
        found_records = False
        if cursor.peek() == "}":
            cursor.pos += 1
        else:
            while True:
                cursor.skip_space()
                if cursor.peek() != '"':
                    raise JsonSyntaxError("expected a member name in double quotes", cursor.line())
                line = cursor.line()
                key = cursor.value()
                cursor.expect(":", "':' after a member name")
                if key == "records" and found_records or key in document.metadata:
                    # JSON readers differ on which of two takes effect: neither is guessed at.
                    raise JsonSyntaxError(f"the member {key!r} is given twice; keep one", line)
                if key == "records":
                    _records_array(cursor, document)
                    found_records = True
                else:
                    document.metadata[key] = cursor.value()
                if cursor.expect(",}", "',' or '}' after a member") == "}":
                    break
        if not found_records:
            raise JsonSyntaxError('the object has no "records" list of qualifications', 1)
    else:
        raise JsonSyntaxError(
            'a JSON register is a list of records, or an object with a "records" list',
            cursor.line(),
        )
    if cursor.peek():
        raise JsonSyntaxError("unexpected text after the end of the register", cursor.line())
    return document
