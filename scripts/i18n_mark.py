#!/usr/bin/env python
"""List — or mark for translation — the Chinese string literals of the portal's Python code that are not
passed through gettext.

    .venv/bin/python scripts/i18n_mark.py                 # list every unmarked literal (file:line: text)
    .venv/bin/python scripts/i18n_mark.py --fix FILE...   # wrap those in user-facing positions of FILE…

A literal is left alone when it is data or for developers: a docstring, an argument of a logging call, of
``re.compile``/``re.match``…, a dict key, a subscript, one side of a comparison or an ``in`` test, the value (first
element) of a choices member, an f-string part (rewrite those by hand with named ``%(x)s`` placeholders), and
every literal of the files in ``DATA`` (seed data, demo data, benchmarks). It also lists ``gettext`` called at
module or class level (translated once at import, whatever the request's language: use ``gettext_lazy``).
A literal on a line carrying the comment ``# i18n: data``, or in a statement whose first line carries it, is data too.

``--fix`` wraps with ``gettext_lazy`` at module and class level (evaluated at import) and ``gettext`` inside
functions, following the file's own binding of ``_`` (``gettext`` or ``gettext_lazy``) and adding the import when
it is missing; run ``ruff check --fix`` and ``ruff format`` after it. Then ``manage.py makemessages``.
"""

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
GETTEXT = {
    "_",
    "_lazy",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
NOT_SCANNED = ("tests/", "bench/", "deploy/", "node_modules/", "scripts/", "staticfiles/", "var/")
# Modules whose Chinese literals are data (seed, demo people and places, holiday tables), not messages.
DATA = {
    "orgs/demo/names.py",
    "orgs/demo/generator.py",
    "orgs/demo/loader.py",
    "orgs/demo/shapes.py",
    "orgs/management/commands/load_demo.py",
    "campaign/seed.py",
    "evaluations/seed.py",
    "awards/seed.py",
    "awards/holiday_data.py",
    "orgs/io/columns.py",  # the import files' headers: a file format (its docstring)
}
DATA_PREFIXES = ("demo/",)
DATA_SUFFIXES = ("/demo.py",)
DATA_PRAGMA = "# i18n: data"
LOGGING = {"debug", "info", "warning", "error", "exception", "critical", "log"}
REGEX = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def _name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _receiver(func):
    return func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""


def is_data_file(rel):
    return rel in DATA or rel.startswith(DATA_PREFIXES) or rel.endswith(DATA_SUFFIXES)


def python_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".", *NOT_SCANNED)) or "/migrations/" in rel or "/." in rel:
            continue
        yield rel


class Finder(ast.NodeVisitor):
    """The unmarked Chinese literals of a module, each with whether it runs at import (needs gettext_lazy)."""

    def __init__(self, source):
        self.lines = source.splitlines()
        self.found = []  # (node, lazy)
        self.skipped_fstrings = []
        self._stack = []  # "function" | "class"
        self._safe = 0
        self._statements = []
        self.eager = []
        self.underscore = None  # what ``_`` is bound to in the module

    def visit(self, node):
        if not isinstance(node, ast.stmt):
            return super().visit(node)
        self._statements.append(node)
        try:
            return super().visit(node)
        finally:
            self._statements.pop()

    def _is_data(self, node):
        """The pragma on a line of the literal, or on the first line of the statement holding it."""
        lines = set(range(node.lineno, node.end_lineno + 1))
        if self._statements:
            lines.add(self._statements[-1].lineno)
        return any(DATA_PRAGMA in self.lines[i - 1] for i in lines)

    def visit_FunctionDef(self, node):
        for deco in node.decorator_list:
            self.visit(deco)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self._stack.append("function")
        for stmt in node.body:
            self.visit(stmt)
        self._stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self._stack.append("function")
        self.generic_visit(node)
        self._stack.pop()

    def visit_ClassDef(self, node):
        for deco in node.decorator_list:
            self.visit(deco)
        for base in node.bases:
            self.visit(base)
        self._stack.append("class")
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the docstring
        for stmt in body:
            self.visit(stmt)
        self._stack.pop()

    def _skip(self, node):
        self._safe += 1
        self.generic_visit(node)
        self._safe -= 1

    def visit_Module(self, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        for stmt in body:
            self.visit(stmt)

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant):
            return  # a docstring or a bare string
        self.generic_visit(node)

    def visit_Call(self, node):
        name, receiver = _name(node.func), _receiver(node.func)
        if name in GETTEXT:
            eager = name == "gettext" or (name == "_" and self.underscore == "gettext")
            if eager and "function" not in self._stack:
                self.eager.append(node)  # translated once, at import, in whatever language is active then
            return
        if (name in LOGGING and receiver in {"logger", "log", "logging", "LOGGER", "_logger"}) or (
            name in REGEX and receiver == "re"
        ):
            return
        self.generic_visit(node)

    def visit_JoinedStr(self, node):
        if (
            not self._safe
            and any(isinstance(v, ast.Constant) and HAN.search(v.value) for v in node.values)
            and not self._is_data(node)
        ):
            self.skipped_fstrings.append(node)
        # the expressions inside may hold literals of their own
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)

    def visit_Compare(self, node):
        self._skip(node)

    def visit_Subscript(self, node):
        self.visit(node.value)
        self._skip(node.slice)

    def visit_Dict(self, node):
        for key in node.keys:
            if key is not None:
                self._skip(key)
        for value in node.values:
            self.visit(value)

    def visit_Assign(self, node):
        # A choices member: NAME = "value", "label" in a class body: only the label is a message.
        if (
            self._stack
            and self._stack[-1] == "class"
            and isinstance(node.value, ast.Tuple)
            and len(node.value.elts) >= 2
            and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)
        ):
            self._skip(node.value.elts[0])
            for elt in node.value.elts[1:]:
                self.visit(elt)
            return
        self.generic_visit(node)

    def visit_Constant(self, node):
        if self._safe or not isinstance(node.value, str) or not HAN.search(node.value):
            return
        if self._is_data(node):
            return
        self.found.append((node, "function" not in self._stack))


def scan(rel):
    source = (ROOT / rel).read_text(encoding="utf-8")
    tree = ast.parse(source)
    finder = Finder(source)
    finder.underscore = binding_of_underscore(tree)
    finder.visit(tree)
    return source, finder


def binding_of_underscore(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.asname == "_":
                    return alias.name
    return None


def fix(rel):
    source, finder = scan(rel)
    if not finder.found:
        return 0
    tree = ast.parse(source)
    underscore = binding_of_underscore(tree)
    imports = set()
    if underscore is None:
        lazy_only = all(lazy for _, lazy in finder.found)
        underscore = "gettext_lazy" if lazy_only else "gettext"
        imports.add(f"from django.utils.translation import {underscore} as _")
    edits = []
    for node, lazy in finder.found:
        if lazy and underscore != "gettext_lazy":
            call = "gettext_lazy"
            imports.add("from django.utils.translation import gettext_lazy")
        else:
            call = "_"
        edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, call))
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(line, col):  # ast columns are UTF-8 byte offsets
        return offsets[line - 1] + len(lines[line - 1].encode()[:col].decode())

    text = source
    for lineno, col, end_lineno, end_col, call in sorted(edits, reverse=True):
        start, end = pos(lineno, col), pos(end_lineno, end_col)
        text = f"{text[:start]}{call}({text[start:end]}){text[end:]}"
    if imports:
        body = tree.body
        first = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            first = body[0].end_lineno
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom) and getattr(stmt, "module", "") != "__future__":
                first = stmt.lineno - 1
                break
        text_lines = text.splitlines(keepends=True)
        text_lines.insert(first, "".join(f"{imp}\n" for imp in sorted(imports)))
        text = "".join(text_lines)
    (ROOT / rel).write_text(text, encoding="utf-8")
    return len(edits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="wrap the literals of the given files")
    parser.add_argument("files", nargs="*", help="paths relative to the checkout (default: every module)")
    args = parser.parse_args()
    files = args.files or [rel for rel in python_files() if not is_data_file(rel)]
    total = 0
    for rel in files:
        if args.fix:
            total += fix(rel)
            continue
        _, finder = scan(rel)
        for node, _lazy in finder.found:
            print(f"{rel}:{node.lineno}: {node.value[:70]!r}")
        for node in finder.skipped_fstrings:
            print(f"{rel}:{node.lineno}: f-string (mark by hand with named placeholders)")
        for node in finder.eager:
            print(f"{rel}:{node.lineno}: gettext at import (use gettext_lazy)")
        total += len(finder.found) + len(finder.skipped_fstrings) + len(finder.eager)
    print(f"{total} {'wrapped' if args.fix else 'unmarked'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
