"""The messages between the parent and the sandbox worker, and the checks both sides share."""

from __future__ import annotations

import builtins
import io
import math
import pickle
import struct
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from engine.errors import SandboxViolation

HEADER = struct.Struct(">I")
MEMORY_EXIT = 3  # the worker's exit status when it could not even report a MemoryError


def write_message(stream: BinaryIO, message: Any) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) < size:
        raise EOFError("the other side closed the pipe")
    return data


_ALLOWED = {("builtins", name) for name in (
    "dict", "list", "set", "frozenset", "tuple", "str", "bytes", "int", "float", "bool",
    "complex", "bytearray")} | {("datetime", c.__name__) for c in (
        date, datetime, time, timedelta, timezone)} | {("decimal", "Decimal"),
                                                       ("zoneinfo", "ZoneInfo")}


def _zone_getattr(kind: Any, name: str) -> Any:
    """A ZoneInfo pickles as `getattr(ZoneInfo, "_unpickle")(key, ...)`: that and no other."""
    if kind is not ZoneInfo or name != "_unpickle":
        raise pickle.UnpicklingError(f"getattr({kind!r}, {name!r}) is not plain data")
    return ZoneInfo._unpickle  # type: ignore[attr-defined]


class DataUnpickler(pickle.Unpickler):
    """Reads only plain data: what comes back from the worker must not name any code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _zone_getattr
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def read_data(data: bytes) -> Any:
    return DataUnpickler(io.BytesIO(data)).load()


def state_size(value: Any, limit: int) -> int:
    """About how many bytes `value` takes as JSON, counting no further than past `limit`.

    Shared references count each time, as JSON writes them each time: `['a' * 10**6] * 1000`
    is a gigabyte of state, though it is a megabyte in memory.
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2 if len(item) > limit or item.isascii() else \
                len(item.encode("utf-8", "replace")) + 2
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + len(item)
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += math.ceil(item.bit_length() * 0.302) + 1
        else:
            total += 24  # dates, decimals, floats, None: a few dozen bytes at most
    return total


def check_state_size(value: Any, limit: int) -> None:
    if state_size(value, limit) > limit:
        raise SandboxViolation(f"the script's data would take more than {limit:,} bytes to "
                               "store (setting max_instance_state_bytes)", kind="state")


def exception_of(type_name: str, message: str) -> Exception:
    """An error of the built-in type named, else a RuntimeError naming the type."""
    kind = getattr(builtins, type_name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind(message)
    return RuntimeError(f"{type_name}: {message}")
