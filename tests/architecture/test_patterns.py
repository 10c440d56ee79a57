"""No regular expression in the package ends with `$`, which also accepts a trailing newline.

`re.match(r"^[a-z]+$", "local\\n")` succeeds, so a pattern meant to vet a whole value lets a
newline through (`--calendar $'local\\n'` once made a file named `local⏎.toml`). Patterns use
`\\Z` (or `fullmatch`) instead; `$` is fine only with `re.MULTILINE`, where it means a line end.
Pydantic `pattern=` strings run on Rust's regex engine, where `$` is the end of the text, so
they are not Python patterns and are not checked here.
"""

from __future__ import annotations

import ast
import re

from support.paths import SRC

_RE_FUNCTIONS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall",
                 "finditer"}  # fmt: skip
#: A `$` not escaped by a backslash and not inside a character class.
_DOLLAR = re.compile(r"(?<!\\)\$")


def _pattern_text(node: ast.expr, names: dict[str, str] | None = None) -> str | None:
    if isinstance(node, ast.Name) and names:
        return names.get(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        value = node.value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    if isinstance(node, ast.JoinedStr):
        return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _multiline(call: ast.Call) -> bool:
    return "MULTILINE" in ast.unparse(call) or "(?m" in ast.unparse(call)


def _without_classes(pattern: str) -> str:
    return re.sub(r"\[(?:\\.|[^\]\\])*\]", "", pattern)


def _offenders() -> list[str]:
    found: list[str] = []
    for path in sorted((SRC / "edicalendar").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Patterns kept in a module-level name (`_HH_MM = r"..."`) and passed to `re` later.
        names = {
            target.id: text
            for stmt in tree.body
            if isinstance(stmt, ast.Assign)
            for target in stmt.targets
            if isinstance(target, ast.Name) and (text := _pattern_text(stmt.value)) is not None
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            if not (
                isinstance(func, ast.Attribute)
                and func.attr in _RE_FUNCTIONS
                and isinstance(func.value, ast.Name)
                and func.value.id == "re"
            ):
                continue
            pattern = _pattern_text(node.args[0], names)
            if pattern is None or _multiline(node):
                continue
            if _DOLLAR.search(_without_classes(pattern)):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {pattern[-40:]!r}")
    return found


def test_no_pattern_ends_with_a_dollar() -> None:
    assert _offenders() == []


def test_the_check_finds_a_dollar_pattern() -> None:
    """The scanner itself: a `$` pattern is caught, `\\Z`, `\\$`, `[$]` and MULTILINE are not."""
    samples = {
        're.match(r"^[a-z]+$", x)': True,
        're.compile(rf"^{x}$")': True,
        're.match(r"^[a-z]+\\Z", x)': False,
        're.match(r"cost \\$5", x)': False,
        're.match(r"[$]", x)': False,
        're.compile(r"^x$", re.MULTILINE)': False,
    }
    for source, expected in samples.items():
        call = ast.parse(source).body[0]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        pattern = _pattern_text(call.value.args[0])
        assert pattern is not None
        flagged = not _multiline(call.value) and bool(_DOLLAR.search(_without_classes(pattern)))
        assert flagged is expected, source
