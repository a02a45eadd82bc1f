"""Restricted evaluator for BPMN scripts, gateway conditions and timer expressions.

SpiffWorkflow's default environment is plain `exec`/`eval`: `import os` runs, and even its
safe-globals variant lets `().__class__.__base__.__subclasses__()` reach `os.system`. Here
every source is compiled by RestrictedPython with a stricter policy (no import, no try, no
class, no name or attribute starting with `_`, no `open`/`eval`/`getattr`/...), then run with
a whitelist of builtins and guarded attribute access (modules are never handed out).
`check_source` and the run-time environment share one compiler, so upload and run agree.

Run time is bounded by ticks the compiler inserts, not by `sys.settrace`: on CPython 3.11
`while True: pass` compiles to one self-jump that emits no line events, a trace function that
raises is switched off by the interpreter (so `try` could swallow it), and tracing fights
debuggers and coverage. `signal.alarm` only works in the main thread and a subprocess costs
milliseconds per condition. So every loop body, comprehension, function and lambda calls
`_tick_()`, which counts and checks a deadline; this works in any thread. A single C-level
operation cannot be interrupted, so the operations that build huge values in one step check
the size of their result first (see script_guards), including str(), repr(), f-strings and
`%` over structures that repeat one big value by reference.
Residual risk: a comparison or `in` test between two large structures built within those
limits may run for seconds in C; a hostile author needs a process with rlimits to contain.
"""

import ast
import functools
import re
import traceback
import types
from typing import Any, NamedTuple

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.workflow.script_errors import Problem, ScriptError, ScriptFailed, ScriptRefused
from engine.workflow.script_guards import BUILTINS, MAX_FORMAT_WIDTH, Budget

__all__ = ["RestrictedEnvironment", "ScriptError", "ScriptFailed", "ScriptRefused", "check_source"]

SCRIPT_FILENAME = "<string>"  # the name SpiffWorkflow looks for to report the failing line
DEFAULT_TIME_LIMIT = 0.5  # seconds
DEFAULT_MAX_TICKS = 5_000_000


# fmt: off
_FORBIDDEN_NAMES = frozenset({
    "open", "eval", "exec", "compile", "globals", "locals", "vars", "getattr", "setattr",
    "delattr", "hasattr", "dir", "input", "breakpoint", "help", "memoryview", "exit", "quit",
    "print", "printed",
})
# fmt: on
_GUARDED_BINOPS = {
    ast.Pow: "_guarded_pow_",
    ast.Mult: "_guarded_mul_",
    ast.Add: "_guarded_add_",
    ast.LShift: "_guarded_lshift_",
    ast.Mod: "_guarded_mod_",
}
_TRANSLATIONS = (
    (
        r'"(.+)" is an invalid variable name because it starts',
        'Không được dùng tên "{}" (tên bắt đầu bằng "_").',
    ),
    (
        r'"(.+)" is an invalid attribute name because it starts',
        'Không được truy cập thuộc tính "{}" (tên bắt đầu bằng "_").',
    ),
    (r'"(.+)" is an invalid \w+ name because it ends', 'Không được dùng tên "{}".'),
    (r'"(.+)" is a reserved name', 'Không được dùng "{}".'),
    (r'"(.+)" is a restricted name', 'Không được truy cập thuộc tính "{}".'),
    (r"Exec calls are not allowed", 'Không được dùng "exec".'),
    (r"Eval calls are not allowed", 'Không được dùng "eval".'),
    (r"(\w+) statements are not allowed", "Không được dùng câu lệnh {}."),
    (r"(Unpacking) in comprehensions", "Không được giải nén (*) trong biểu thức bao hàm."),
    (
        r"Augmented assignment of (attributes|object items)",
        "Không được dùng phép gán kết hợp (+=, -=, ...) cho thuộc tính hay phần tử; "
        'hãy viết x["k"] = x["k"] + 1.',
    ),
    (r"(Assignment expressions)", "Phép gán := chỉ dùng được với tên biến đơn."),
)


def _translate(info: str) -> str:
    """Vietnamese for a message of RestrictedPython's own policy."""
    for pattern, template in _TRANSLATIONS:
        found = re.search(pattern, info)
        if found:
            return template.format(*found.groups())
    return f"Cấu trúc không được phép ({info})."


def _located(new: ast.AST, like: ast.AST) -> Any:
    """`new` placed at the source position of `like`, children included."""
    copy_locations(new, like)
    return new


def _call(function: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(function, ast.Load()), args=list(args), keywords=[])


def _tick_call(like: ast.AST) -> ast.Call:
    return _located(_call("_tick_"), like)


class _PlatformPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, stricter, with ticks and size guards inserted."""

    def error(self, node: ast.AST, info: str) -> None:
        self._refuse(node, _translate(info), info)

    def _refuse(self, node: ast.AST, vi: str, en: str) -> None:
        line = getattr(node, "lineno", None)
        self.errors.append(Problem(f"Dòng {line}: {vi}", f"Line {line}: {en}"))

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _FORBIDDEN_NAMES:
            self._refuse(node, f'Không được dùng "{node.id}".', f'"{node.id}" is not allowed.')
            return node
        return super().visit_Name(node)

    def visit_Import(self, node: ast.AST) -> ast.AST:
        self._refuse(node, "Không được dùng import.", "import is not allowed.")
        return node

    visit_ImportFrom = visit_Import

    def visit_Try(self, node: ast.AST) -> ast.AST:
        self._refuse(
            node,
            "Không được dùng try/except: lỗi của kịch bản phải dừng quy trình để được xử lý.",
            "try/except is not allowed.",
        )
        return node

    visit_TryStar = visit_Try

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self._refuse(node, "Không được định nghĩa lớp (class).", "class is not allowed.")
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        guard = _GUARDED_BINOPS.get(type(node.op))
        if guard is None:
            return node
        return _located(_call(guard, node.left, node.right), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            if not all(isinstance(p, ast.Constant) for p in parts):
                self._refuse(node, "Định dạng f-string phải cố định.", "dynamic format spec.")
            elif any(int(n) > MAX_FORMAT_WIDTH for p in parts for n in re.findall(r"\d+", p.value)):
                self._refuse(node, "Độ rộng định dạng quá lớn.", "format width too large.")
        node = self.node_contents_visit(node)
        node.value = _located(_call("_rendered_", node.value), node.value)
        return node

    def visit_Starred(self, node: ast.Starred) -> ast.AST:
        node = super().visit_Starred(node)
        if isinstance(node.ctx, ast.Load):
            node.value = _located(_call("_sized_", node.value), node.value)
        return node

    def visit_While(self, node: ast.While) -> ast.AST:
        node = self.node_contents_visit(node)
        node.body.insert(0, _located(ast.Expr(_tick_call(node)), node))
        return node

    def visit_For(self, node: ast.For) -> ast.AST:
        node = super().visit_For(node)
        node.body.insert(0, _located(ast.Expr(_tick_call(node)), node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _located(ast.Expr(_tick_call(node)), node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        node.body = _located(
            ast.BoolOp(op=ast.And(), values=[_tick_call(node.body), node.body]), node.body
        )
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.AST:
        node = super().visit_comprehension(node)
        node.ifs.append(_tick_call(node.iter))
        return node


class _Compiled(NamedTuple):
    code: types.CodeType | None
    problems: tuple[Problem, ...]


@functools.lru_cache(maxsize=2048)
def _compile(source: str, mode: str) -> _Compiled:
    """Compile once per distinct source: conditions are evaluated again and again."""
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    if mode == "eval":
        source = source.strip()  # like eval(): conditions often sit on their own XML line
    try:
        tree = ast.parse(source, SCRIPT_FILENAME, mode)
    except SyntaxError as exc:
        problem = Problem(
            f"Dòng {exc.lineno}: Lỗi cú pháp ({exc.msg}).", f"Line {exc.lineno}: {exc.msg}"
        )
        return _Compiled(None, (problem,))
    compile_mode = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compile_mode(tree, SCRIPT_FILENAME, policy=_PlatformPolicy)
    problems = tuple({p.vi: p for p in result.errors}.values())  # exec/eval come twice
    return _Compiled(result.code if not problems else None, problems)


def check_source(source: str, mode: str) -> list[str]:
    """Vietnamese problems of a script ("exec") or condition/timer expression ("eval");
    empty when it may be published. The run-time compiler is this one."""
    return [p.vi for p in _compile(source, mode).problems]


def _script_line(exc: BaseException) -> int | None:
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f.lineno for f in frames if f.filename == SCRIPT_FILENAME]
    return lines[-1] if lines else None


def _describe(exc: Exception) -> tuple[str, str]:
    """Vietnamese and English text of an error raised inside a script."""
    en = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NameError):
        name = getattr(exc, "name", None) or str(exc)
        return f'Không có biến "{name}" trong dữ liệu, hoặc tên này không được phép dùng.', en
    if isinstance(exc, ZeroDivisionError):
        return "Phép chia cho 0.", en
    if isinstance(exc, KeyError):
        return f"Không có khóa {exc.args[0]!r} trong dữ liệu.", en
    if isinstance(exc, IndexError):
        return "Chỉ số vượt ngoài danh sách.", en
    if isinstance(exc, RecursionError):
        return "Gọi hàm lồng nhau quá sâu.", en
    if isinstance(exc, MemoryError):
        return "Kịch bản dùng quá nhiều bộ nhớ.", en
    if isinstance(exc, (TypeError, AttributeError)):
        return f"Sai kiểu dữ liệu: {exc}.", en
    if isinstance(exc, (ValueError, OverflowError)):
        return f"Giá trị không hợp lệ: {exc}.", en
    return f"Lỗi khi chạy kịch bản: {en}.", en


def _run(code: types.CodeType, namespace: dict, time_limit: float, max_ticks: int) -> Any:
    namespace["_tick_"] = Budget(time_limit, max_ticks).tick
    try:
        return eval(code, namespace)
    except ScriptError as exc:
        line = _script_line(exc)
        if line is not None and not exc.message_vi.startswith("Dòng"):
            exc.message_vi = f"Dòng {line}: {exc.message_vi}"
            exc.message_en = f"Line {line}: {exc.message_en}"
            exc.args = (exc.message_vi,)
        raise
    except Exception as exc:
        vi, en = _describe(exc)
        line = _script_line(exc)
        if line is not None:
            vi, en = f"Dòng {line}: {vi}", f"Line {line}: {en}"
        raise ScriptFailed(vi, en) from exc


def _compiled_or_refuse(source: str, mode: str) -> types.CodeType:
    compiled = _compile(source, mode)
    if compiled.code is None:
        raise ScriptRefused(list(compiled.problems))
    return compiled.code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that evaluates conditions and runs scripts under the
    restricted compiler. `environment_globals` holds what every script may use (classes such
    as `date` or `timedelta`, values, functions); modules are refused so none can leak."""

    def __init__(
        self,
        environment_globals: dict[str, Any] | None = None,
        *,
        time_limit: float = DEFAULT_TIME_LIMIT,
        max_ticks: int = DEFAULT_MAX_TICKS,
    ):
        super().__init__(environment_globals)
        modules = [k for k, v in self.globals.items() if isinstance(v, types.ModuleType)]
        if modules:
            raise TypeError(f"pass classes or functions, not modules: {modules}")
        self.time_limit = time_limit
        self.max_ticks = max_ticks

    def _namespace(self, context: dict, external_context: dict | None) -> dict:
        namespace = dict(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        namespace["__builtins__"] = BUILTINS
        return namespace

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        """Value of a condition, timer or other expression over the task data."""
        code = _compiled_or_refuse(expression, "eval")
        namespace = self._namespace(context, external_context)
        return _run(code, namespace, self.time_limit, self.max_ticks)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        """Run a script task; the task data gets the variables it set or deleted, never the
        globals, functions or helpers. Unlike TaskDataEnvironment the data is left unchanged
        at top level when the script fails."""
        external = external_context or {}
        clashes = sorted((set(self.globals) | set(external)) & set(context))
        if clashes:
            raise ScriptFailed(
                f"Dữ liệu hồ sơ có trường trùng tên với hàm có sẵn: {', '.join(clashes)}; "
                "hãy đổi tên trường.",
                f"task data overwrites predefined names: {clashes}",
            )
        code = _compiled_or_refuse(script, "exec")
        namespace = self._namespace(context, external)
        _run(code, namespace, self.time_limit, self.max_ticks)
        provided = set(self.globals) | set(external)
        for key in [k for k in context if k not in namespace]:
            del context[key]
        for key, value in namespace.items():
            if key.startswith("_") or key in provided or callable(value):
                continue
            context[key] = value
        return True
