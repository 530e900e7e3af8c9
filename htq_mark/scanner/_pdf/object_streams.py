"""The compressed object streams of a PDF, found through its cross-reference streams, read strictly.

A PDF 1.5 file may pack its page dictionaries into compressed object streams,
indexed by cross-reference streams; a key such as /UserUnit then does not show in
the file's bytes. Opening the document with a full PDF reader to look costs more
than scanning many a page, so this reads just the cross-reference streams and the
object streams they name. It understands only what producers commonly write; on
anything else (another filter, an unusual predictor, encryption, a damaged or
odd structure, too much to inflate) it answers None, and the caller asks the reader.
"""

from __future__ import annotations

import re
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["object_stream_texts"]

_MOST_SECTIONS = 64
_MOST_INFLATED = 64 * 1024 * 1024  # bytes inflated in all, streams of cross-references and objects together
_MOST_ENTRIES = 1_000_000  # cross-reference entries in all (a real file has far fewer objects)
_MOST_OBJECT_STREAMS = 10_000
_WHITESPACE = b"\x00\t\n\x0c\r "
_DELIMITERS = b"()<>[]{}/%"
_SPACE = rb"[\x00\t\n\x0c\r ]"  # _WHITESPACE, in a pattern
_STARTXREF = re.compile(rb"startxref\s+(\d{1,20})\s+%%EOF")
_HEADER = re.compile(_SPACE + rb"*(\d{1,10})" + _SPACE + rb"+(\d{1,5})" + _SPACE + rb"+obj" + _SPACE + rb"*<<")
_STREAM = re.compile(_SPACE + rb"*stream\r?\n")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_REFERENCE = re.compile(_SPACE + rb"+(\d{1,5})" + _SPACE + rb"+R(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|$)")
_STREAM_END = re.compile(_SPACE + rb"*endstream")
_COMMENT = re.compile(rb"%[^\r\n]*")


# A cross-reference section's entries: object numbers, types, second and third fields.
_Section = tuple["NDArray[np.int64]", "NDArray[np.int64]", "NDArray[np.int64]", "NDArray[np.int64]"]


class _Odd(Exception):
    """Something this reader does not understand: the caller asks the PDF reader instead."""


class _Reference(tuple[int, int]):
    """An indirect reference, ``n g R``."""


def object_stream_texts(data: bytes) -> list[bytes] | None:
    """The inflated contents of every object stream the file's cross-reference streams name.

    None when they cannot all be read so (see the module's notes); that includes a
    file whose newest cross-references are a plain table, which names none. Object
    streams no cross-reference names (which a reader rebuilding a damaged file may
    find) are the caller's to look for.
    """
    try:
        return _texts(data)
    except (_Odd, zlib.error, ValueError, IndexError, KeyError, TypeError, RecursionError):
        return None


def _texts(data: bytes) -> list[bytes]:
    import numpy as np  # not at the top: the command line imports this module, and needs no NumPy itself

    found = _STARTXREF.findall(data[-4096:])
    if not found:
        raise _Odd
    budget = [_MOST_INFLATED]
    offset: int | None = int(found[-1])
    sections: list[_Section] = []  # newest first
    seen_sections: set[int] = set()
    while offset is not None:
        if offset in seen_sections or len(seen_sections) >= _MOST_SECTIONS:
            raise _Odd
        seen_sections.add(offset)
        _, dictionary, stream = _object_at(data, offset, budget)
        if dictionary.get("Type") != "XRef" or "Encrypt" in dictionary or "XRefStm" in dictionary:
            raise _Odd
        sections.append(_entries(dictionary, stream))
        if sum(len(section[0]) for section in sections) > _MOST_ENTRIES:
            raise _Odd
        prev = dictionary.get("Prev")
        offset = _integer(prev) if prev is not None else None
    packed = sorted({int(n) for _, kinds, field2, _ in sections for n in np.unique(field2[kinds == 2]).tolist()})
    if len(packed) > _MOST_OBJECT_STREAMS:
        raise _Odd
    places = _places_of(packed, sections)
    texts = []
    for number in packed:
        offset, generation = places[number]
        if generation != 0:  # an object stream's generation is 0; readers ask for that one
            raise _Odd
        found_number, dictionary, stream = _object_at(data, offset, budget, generation)
        if found_number != number or dictionary.get("Type") != "ObjStm" or b"ObjStm" in stream:
            raise _Odd
        texts.append(stream)
    return texts


def _places_of(numbers: list[int], sections: list[_Section]) -> dict[int, tuple[int, int]]:
    """The offset and generation of each of ``numbers``, stored in the file's bytes as the newest section
    listing it says."""
    import numpy as np

    wanted = np.asarray(numbers, np.int64)
    places: dict[int, tuple[int, int]] = {}
    for section_numbers, kinds, field2, field3 in sections:
        for at in np.flatnonzero(np.isin(section_numbers, wanted)).tolist():
            number = int(section_numbers[at])
            if number in places:
                continue
            if kinds[at] != 1:  # freed or packed since: a reader would not look where older sections say
                raise _Odd
            places[number] = (int(field2[at]), int(field3[at]))
    if len(places) != len(numbers):
        raise _Odd
    return places


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Odd
    return value


def _object_at(data: bytes, offset: int, budget: list[int], generation: int | None = None
               ) -> tuple[int, dict[str, Any], bytes]:
    """The object at ``offset`` (of ``generation``, if given): its number, its (stream) dictionary and its
    stream's decoded bytes."""
    header = _HEADER.match(data, offset) if 0 <= offset < len(data) else None
    if header is None or generation is not None and int(header.group(2)) != generation:
        raise _Odd
    dictionary, end = _Parser(data, header.end()).dictionary()
    start = _STREAM.match(data, end)
    if start is None:
        raise _Odd
    length = _integer(dictionary.get("Length"))
    raw = data[start.end():start.end() + length]
    if len(raw) != length or not _STREAM_END.match(data, start.end() + length):
        raise _Odd
    return int(header.group(1)), dictionary, _decoded(dictionary, raw, budget)


def _decoded(dictionary: dict[str, Any], raw: bytes, budget: list[int]) -> bytes:
    filters = dictionary.get("Filter")
    filters = [filters] if isinstance(filters, str) else filters if filters is not None else []
    if filters not in ([], ["FlateDecode"]):
        raise _Odd
    if not filters:
        return raw
    inflater = zlib.decompressobj()
    text = inflater.decompress(raw, budget[0] + 1)
    if len(text) > budget[0] or inflater.unconsumed_tail:
        raise _Odd
    budget[0] -= len(text)
    return _unpredicted(dictionary.get("DecodeParms"), text)


def _unpredicted(parameters: Any, text: bytes) -> bytes:
    """``text`` with a PNG "None" or "Up" predictor undone (the ones cross-reference streams use)."""
    import numpy as np

    if parameters is None:
        return text
    if not isinstance(parameters, dict) or set(parameters) - {"Predictor", "Columns", "Colors", "BitsPerComponent"}:
        raise _Odd
    predictor = parameters.get("Predictor", 1)
    if predictor == 1:
        return text
    if not (10 <= _integer(predictor) <= 15) or parameters.get("Colors", 1) != 1 \
            or parameters.get("BitsPerComponent", 8) != 8:
        raise _Odd
    columns = _integer(parameters.get("Columns", 1))
    if columns == 0 or len(text) % (columns + 1):
        raise _Odd
    rows = np.frombuffer(text, np.uint8).reshape(-1, columns + 1)
    kinds, lines = rows[:, 0], rows[:, 1:].astype(np.int64)
    if not np.isin(kinds, (0, 2)).all():
        raise _Odd
    # "Up" adds the row above; "None" starts afresh: a running sum that restarts at each "None" row.
    totals = np.cumsum(lines, axis=0)
    if (kinds == 0).any():
        last_restart = np.maximum.accumulate(np.where(kinds == 0, np.arange(len(kinds)), -1))
        totals -= np.where(last_restart[:, None] > 0, totals[np.maximum(last_restart - 1, 0)], 0)
    return bytes((totals & 0xFF).astype(np.uint8))


def _entries(dictionary: dict[str, Any], stream: bytes) -> _Section:
    """The cross-reference stream's entries: their object numbers, types, and second and third fields."""
    import numpy as np

    widths = dictionary.get("W")
    if not isinstance(widths, list) or len(widths) != 3:
        raise _Odd
    widths = [_integer(w) for w in widths]
    if widths[1] == 0 or widths[0] > 4 or widths[1] > 7 or widths[2] > 7:
        raise _Odd
    size = _integer(dictionary.get("Size"))
    index = dictionary.get("Index", [0, size])
    if not isinstance(index, list) or len(index) % 2:
        raise _Odd
    step = sum(widths)
    pairs = [(_integer(first), _integer(count)) for first, count in zip(index[0::2], index[1::2])]
    total = sum(count for _, count in pairs)
    if total > _MOST_ENTRIES or total * step > len(stream):
        raise _Odd
    table = np.frombuffer(stream, np.uint8, total * step).reshape(total, step)
    numbers = np.concatenate([np.arange(first, first + count, dtype=np.int64) for first, count in pairs]) \
        if pairs else np.zeros(0, np.int64)
    if len(np.unique(numbers)) != len(numbers):  # an object listed twice: readers differ on which counts
        raise _Odd
    return (numbers, _field(table, 0, widths[0], default=1), _field(table, widths[0], widths[1], default=0),
            _field(table, widths[0] + widths[1], widths[2], default=0))


def _field(table: NDArray[np.uint8], column: int, width: int, *, default: int) -> NDArray[np.int64]:
    """A big-endian field ``width`` bytes wide from ``column`` of each row (``default`` if none)."""
    import numpy as np

    if width == 0:
        return np.full(len(table), default, np.int64)
    value = np.zeros(len(table), np.int64)
    for byte in range(width):
        value = (value << 8) | table[:, column + byte].astype(np.int64)
    return value


class _Parser:
    """Just enough of PDF's object syntax to read a stream's dictionary."""

    def __init__(self, data: bytes, at: int) -> None:
        self.data, self.at = data, at

    def dictionary(self) -> tuple[dict[str, Any], int]:
        """The dictionary whose ``<<`` has been read; returns it and the offset after its ``>>``."""
        result: dict[str, Any] = {}
        while True:
            self._skip()
            if self.data.startswith(b">>", self.at):
                self.at += 2
                return result, self.at
            key = self._value()
            if not isinstance(key, _Name) or key in result:  # a key given twice: readers differ on which counts
                raise _Odd
            result[str(key)] = self._value()

    def _skip(self) -> None:
        data = self.data
        while self.at < len(data):
            if data[self.at] in _WHITESPACE:
                self.at += 1
            elif data[self.at] == ord("%"):
                comment = _COMMENT.match(data, self.at)
                self.at = comment.end() if comment is not None else self.at + 1
            else:
                return
        raise _Odd

    def _value(self) -> Any:
        self._skip()
        data, at = self.data, self.at
        if data.startswith(b"<<", at):
            self.at += 2
            return self.dictionary()[0]
        first = data[at]
        if first == ord("/"):
            end = at + 1
            while end < len(data) and data[end] not in _WHITESPACE and data[end] not in _DELIMITERS:
                end += 1
            name = data[at + 1:end]
            if b"#" in name:
                raise _Odd  # a name spelled with escapes: left to the reader
            self.at = end
            return _Name(name.decode("latin-1"))
        if first == ord("["):
            self.at += 1
            items: list[Any] = []
            while True:
                self._skip()
                if self.data[self.at] == ord("]"):
                    self.at += 1
                    return items
                items.append(self._value())
        if first == ord("<"):
            end = data.find(b">", at)
            if end < 0:
                raise _Odd
            self.at = end + 1
            return b""
        if first == ord("("):
            return self._literal_string()
        number = _NUMBER.match(data, at)
        if number is not None:
            self.at = number.end()
            text = number.group()
            if b"." in text:
                return float(text)
            reference = _REFERENCE.match(data, self.at)
            if reference is not None:
                self.at = reference.end()
                return _Reference((int(text), int(reference.group(1))))
            return int(text)
        for keyword, value in ((b"true", True), (b"false", False), (b"null", None)):
            if data.startswith(keyword, at):
                self.at += len(keyword)
                return value
        raise _Odd

    def _literal_string(self) -> bytes:
        data, at, depth = self.data, self.at + 1, 1
        while at < len(data):
            byte = data[at]
            if byte == ord("\\"):
                at += 2
                continue
            depth += (byte == ord("(")) - (byte == ord(")"))
            at += 1
            if depth == 0:
                self.at = at
                return b""
        raise _Odd


class _Name(str):
    """A PDF name (without its slash)."""
