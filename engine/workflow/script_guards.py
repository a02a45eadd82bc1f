"""What a restricted BPMN script may call: whitelisted builtins, operators and attribute
access that check the size of what they build, and the tick budget the compiler inserts.

A single C-level operation cannot be interrupted, so each operation that can build a huge
value in one step (`**`, `*`, `<<`, `+` on sequences, `%` widths, `range`, `round`, `sum` of
lists, `str.join/replace/ljust/...`, `list.extend`, `*` unpacking, and str(), repr(),
f-strings or `%` of values that repeat one big item by reference) checks its result size first.
"""

import importlib
import operator
import re
import time
import types
from typing import Any

from RestrictedPython import safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from engine.workflow.script_errors import ScriptFailed

MAX_LENGTH = 1_000_000  # items or characters one operation may produce
MAX_INT_BITS = 100_000  # about 30,000 decimal digits
MAX_FORMAT_WIDTH = 1_000


def _too_large(what: str) -> ScriptFailed:
    return ScriptFailed(
        f"Kết quả của {what} quá lớn nên kịch bản đã bị dừng.", f"result of {what} too large."
    )


def _check_length(length: int, what: str) -> None:
    if length > MAX_LENGTH:
        raise _too_large(what)


_SEQUENCES = (str, bytes, list, tuple)


def _guarded_pow(base: Any, exponent: Any, modulo: Any = None) -> Any:
    if modulo is not None:
        return pow(base, exponent, modulo)
    big = isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1
    if big and base.bit_length() * exponent > MAX_INT_BITS:
        raise _too_large("phép **")
    return base**exponent


def _guarded_mul(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _too_large("phép *")
    elif isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_length(len(left) * right, "phép *")
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        _check_length(len(right) * left, "phép *")
    return left * right


def _guarded_add(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _check_length(len(left) + len(right), "phép +")
    return left + right


def _guarded_lshift(left: Any, right: Any) -> Any:
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and left.bit_length() + right > MAX_INT_BITS
    ):
        raise _too_large("phép <<")
    return left << right


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")


def _guarded_mod(left: Any, right: Any) -> Any:
    if isinstance(left, (str, bytes)):
        _rendered(right)
        text = left.decode("latin-1") if isinstance(left, bytes) else left
        for field in _PERCENT_FIELD.finditer(text):
            for size in field.groups():
                if size == "*" or (size and int(size) > MAX_FORMAT_WIDTH):
                    raise _too_large("phép %")
    return left % right


_INPLACE = {
    "+=": (_guarded_add, operator.iadd),
    "*=": (_guarded_mul, operator.imul),
    "**=": (_guarded_pow, operator.ipow),
    "<<=": (_guarded_lshift, operator.ilshift),
    "%=": (_guarded_mod, operator.imod),
}
_PLAIN_INPLACE = {
    "-=": operator.isub,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _guarded_inplace(op: str, target: Any, value: Any) -> Any:
    if op in _INPLACE:
        checked, inplace = _INPLACE[op]
        if isinstance(target, (list, dict, set)):
            checked(target, value)  # size check only; keep in-place semantics for lists
            return inplace(target, value)
        return checked(target, value)
    return _PLAIN_INPLACE[op](target, value)


def _guarded_range(*args: int) -> range:
    span = range(*args)
    try:
        _check_length(len(span), "range()")
    except OverflowError:
        raise _too_large("range()") from None
    return span


def _guarded_round(number: Any, ndigits: int | None = None) -> Any:
    if ndigits is None:
        return round(number)
    if abs(ndigits) > 100:
        raise _too_large("round()")
    return round(number, ndigits)


def _guarded_sum(items: Any, start: Any = 0) -> Any:
    if isinstance(start, _SEQUENCES):
        raise ScriptFailed(
            "sum() chỉ dùng để cộng số hoặc thời lượng.", "sum() of sequences is not allowed."
        )
    return sum(items, start)


def _rendered(value: Any) -> Any:
    """Refuse to turn into text a value whose text would be huge: `[big] * n` holds n
    references to one string, but its str() holds n copies."""
    total, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item)
            pending.extend(item)
        else:
            total += 1
        if total > MAX_LENGTH:
            raise _too_large("str()")
    return value


def _sized(value: Any) -> Any:
    """A value unpacked with * into a new list, tuple, set or call."""
    if isinstance(value, (*_SEQUENCES, dict, set, frozenset, range)):
        _check_length(len(value), "phép *")
    return value


class _GuardedStrType(type):
    """Scripts still write `isinstance(x, str)`, so the guarded `str` must stay a type."""

    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, str)

    def __call__(cls, value: Any = "", *args: Any) -> str:
        return str(_rendered(value), *args)


class _GuardedStr(metaclass=_GuardedStrType):
    """`str` as scripts see it: same conversion and isinstance, text size checked."""


_GuardedStr.__name__ = _GuardedStr.__qualname__ = "str"  # what error messages call it


def _guarded_repr(value: Any) -> str:
    return repr(_rendered(value))


def _sized_str_method(text: str | bytes, name: str) -> Any:
    """str.join/replace/ljust/... with the result length checked before it is built."""
    method = getattr(text, name)
    if name == "join":

        def join(items: Any) -> Any:
            items = list(items)
            try:
                total = sum(map(len, items)) + len(text) * max(len(items) - 1, 0)
            except TypeError:
                return method(items)  # raises the usual TypeError
            _check_length(total, "join()")
            return method(items)

        return join
    if name == "replace":

        def replace(old: Any, new: Any, count: int = -1) -> Any:
            hits = text.count(old) + (1 if not old else 0)
            hits = hits if count < 0 else min(count, hits)
            _check_length(len(text) + hits * len(new), "replace()")
            return method(old, new, count)

        return replace

    def pad(width: int, *args: Any) -> Any:
        _check_length(width, f"{name}()")
        return method(width, *args)

    return pad


def _sized_extend(items: list) -> Any:
    def extend(more: Any) -> None:
        more = list(more)
        _check_length(len(items) + len(more), "extend()")
        items.extend(more)

    return extend


# fmt: off
_STR_SIZED = frozenset({"join", "replace", "ljust", "rjust", "center", "zfill"})
_STR_ATTRS = _STR_SIZED | {
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "lower",
    "lstrip", "partition", "removeprefix", "removesuffix", "rfind", "rindex", "rpartition",
    "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
    "upper",
}
_ALLOWED_ATTRS = (
    ((str, bytes), _STR_ATTRS),
    ((int, float, complex), {"real", "imag", "numerator", "denominator", "conjugate",
                             "bit_length", "is_integer", "as_integer_ratio"}),
    (list, {"append", "clear", "copy", "count", "index", "insert", "pop", "remove", "reverse",
            "sort", "extend"}),
    (dict, {"clear", "copy", "get", "items", "keys", "values", "pop", "popitem", "setdefault",
            "update"}),
    ((set, frozenset), {"add", "clear", "copy", "difference", "discard", "intersection",
                        "isdisjoint", "issubset", "issuperset", "pop", "remove",
                        "symmetric_difference", "union", "update"}),
    (tuple, {"count", "index"}),
)
_BUILTIN_TYPES = frozenset({str, bytes, int, float, complex, bool, list, dict, tuple, set,
                            frozenset, range, type, object, slice, _GuardedStr})
# fmt: on


def _refused_attribute(obj: Any, name: str) -> ScriptFailed:
    kind = type(obj).__name__ if not isinstance(obj, type) else obj.__name__
    return ScriptFailed(
        f'Không được truy cập thuộc tính "{name}" của {kind}.',
        f'attribute "{name}" of {kind} is not allowed.',
    )


def _guarded_getattr(obj: Any, name: str) -> Any:
    """Attribute access: per-type whitelist for builtin values, anything public on other
    objects given by the platform (dates, durations), never a module."""
    if not isinstance(name, str) or name.startswith("_") or name in INSPECT_ATTRIBUTES:
        raise _refused_attribute(obj, str(name))
    if name == "mro" or (isinstance(obj, type) and obj in _BUILTIN_TYPES):
        raise _refused_attribute(obj, name)
    for kinds, allowed in _ALLOWED_ATTRS:
        if isinstance(obj, kinds):
            if name not in allowed:
                raise _refused_attribute(obj, name)
            if name in _STR_SIZED and isinstance(obj, (str, bytes)):
                return _sized_str_method(obj, name)
            if name == "extend":
                return _sized_extend(obj)
            break
    value = safer_getattr_raise(obj, name)
    if isinstance(value, types.ModuleType):
        raise _refused_attribute(obj, name)
    return value


def _internal_import(name: str, *args: Any, **kwargs: Any) -> types.ModuleType:
    """C code of `datetime` imports `time` and `_strptime` through the script's builtins
    (`date.strftime`, `datetime.strptime`); scripts themselves can neither name this
    function nor write `import`, so the module never reaches them."""
    if name not in ("time", "_strptime"):
        raise ImportError(name)
    return importlib.import_module(name)


def _apply(function: Any, *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


# fmt: off
BUILTINS: dict[str, Any] = {
    name: safe_builtins[name]
    for name in [
        "None", "False", "True", "abs", "bool", "callable", "chr", "divmod", "float", "int",
        "isinstance", "len", "ord", "slice", "ArithmeticError", "AssertionError",
        "Exception", "IndexError", "KeyError", "LookupError", "TypeError", "ValueError",
        "ZeroDivisionError",
    ]
}
BUILTINS.update({
    "min": min, "max": max, "sorted": sorted, "any": any, "all": all, "list": list,
    "dict": dict, "tuple": tuple, "set": set, "frozenset": frozenset, "enumerate": enumerate,
    "zip": zip, "reversed": reversed, "filter": filter, "map": map,
    "str": _GuardedStr, "repr": _guarded_repr, "range": _guarded_range,
    "round": _guarded_round, "sum": _guarded_sum, "pow": _guarded_pow,
    # names the compiler writes in place of attribute access, subscripts, loops and operators
    "_getattr_": _guarded_getattr, "_getitem_": operator.getitem, "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence, "_write_": full_write_guard,
    "_inplacevar_": _guarded_inplace, "_apply_": _apply,
    "_guarded_pow_": _guarded_pow, "_guarded_mul_": _guarded_mul, "_guarded_add_": _guarded_add,
    "_guarded_lshift_": _guarded_lshift, "_guarded_mod_": _guarded_mod,
    "_rendered_": _rendered, "_sized_": _sized, "__import__": _internal_import,
})
# fmt: on


class Budget:
    """The ticks one run may spend and the moment it must stop."""

    __slots__ = ("deadline", "ticks_left", "time_limit")

    def __init__(self, time_limit: float, max_ticks: int):
        self.time_limit = time_limit
        self.deadline = time.monotonic() + time_limit
        self.ticks_left = max_ticks

    def tick(self) -> bool:
        self.ticks_left -= 1
        if self.ticks_left < 0 or time.monotonic() > self.deadline:
            seconds = f"{self.time_limit:g}".replace(".", ",")
            raise ScriptFailed(
                f"Kịch bản chạy quá lâu (quá {seconds} giây hoặc quá nhiều vòng lặp) "
                "và đã bị dừng.",
                "script stopped: time or loop budget exceeded.",
            )
        return True
