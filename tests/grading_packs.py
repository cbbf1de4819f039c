"""Many fixtures per graded notebook, without one fixture hiding another's result.

Why: every fixture graded as its own submission costs a whole notebook run each
(about a hundred runs for five lessons). Exercises are independent, so fixtures
aimed at different answer cells can share one notebook: one "pack" is the
solution with several answer cells replaced, and the real ``nbgrader autograde``
grades it like any student's submission.

Sharing is only sound if no fixture in a pack can change what another fixture's
cells show, or hide it. A fixture can reach a later cell only through names: the
names its code binds or changes, and the names the solution's code for that cell
would have bound (a fixture that leaves them out changes them too). So, before
packing, each fixture's *reach* is worked out from the notebook's code (``ast``):
the cells that read one of those names, directly or through the cells in between.
Two fixtures share a pack only when neither reaches the other's cells and no cell
is reached by both (one effect could hide the other: a worked example that falls
back when one answer is missing never calls the other). Anything the analysis
cannot follow (``globals()``, ``exec``, ``setattr``...) counts as reaching every
later cell, so such a fixture shares only with fixtures before it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import nbformat
from grading_fixtures import Fixture, all_fixtures, solution

from tools.grade_class import python_of
from tools.notebooks import nbgrader_cells

EVERYTHING = "*"  # a name standing for "any name": dynamic access the analysis cannot follow
DYNAMIC_CALLS = {"globals", "vars", "locals", "exec", "eval", "setattr", "delattr", "__import__", "compile"}
#: Methods that change their object in place (lists, dicts, sets, and DataFrame.insert/pop/update);
#: any call with ``inplace=...`` counts too.
MUTATING_METHODS = {
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "clear",
    "sort",
    "reverse",
    "update",
    "setdefault",
    "add",
    "discard",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
}


#: A cell's code as Python (IPython magics blanked out), None if it does not parse: the same reading
#: as grade_class's check of submissions; kept per source, as packing asks about each cell many times.
parse = functools.lru_cache(maxsize=4096)(python_of)


def _base_name(node: ast.AST) -> str | None:
    """``survey`` for ``survey``, ``survey["x"]``, ``survey.loc[...]``, ``pd.options.x``."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


NESTED_SCOPES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)  # fmt: skip


def _top_level_nodes(node: ast.AST) -> Iterable[ast.AST]:
    """Every node of a statement that runs in the cell's own scope (not inside a def, lambda or comprehension)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, NESTED_SCOPES):  # its own scope: only its name (if any) is bound here
            continue
        stack.extend(ast.iter_child_nodes(current))


def _bound_here(statement: ast.stmt, known_imports: set[tuple[str, str]]) -> set[str]:
    """Names a statement binds in the notebook's namespace."""
    names = set()
    for node in _top_level_nodes(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update(alias for alias, module in import_bindings(node) if (alias, module) not in known_imports)
    return names


@functools.lru_cache(maxsize=4096)
def reads(source: str) -> frozenset[str]:
    """Names a cell may read that were bound before it (more rather than fewer).

    A name the cell binds before its first use is not an input (``_d = ...`` then
    ``_d[...]``); everything a def, lambda or comprehension mentions counts, since
    it may run later.
    """
    tree = parse(source)
    if tree is None:
        return frozenset({EVERYTHING})
    found: set[str] = set()
    bound: set[str] = set()
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
                found.add(node.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DYNAMIC_CALLS:
                return frozenset({EVERYTHING})
        bound |= _bound_here(statement, set())
    return frozenset(found)


@functools.lru_cache(maxsize=4096)
def writes(source: str, known_imports: frozenset[tuple[str, str]] = frozenset()) -> frozenset[str]:
    """Names a cell binds or changes (re-importing a module under the notebook's own alias changes nothing).

    Names bound inside a def or a comprehension stay there; a change through an
    attribute or an item (``survey["x"] = ...``), anywhere, changes the object's name.
    """
    tree = parse(source)
    if tree is None:
        return frozenset({EVERYTHING})
    names: set[str] = set()
    for statement in tree.body:
        names |= _bound_here(statement, known_imports)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(_base_name(node) or EVERYTHING)
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in DYNAMIC_CALLS:
                names.add(EVERYTHING)
            elif isinstance(func, ast.Attribute):
                inplace = any(k.arg == "inplace" for k in node.keywords)
                if func.attr in MUTATING_METHODS or inplace:
                    base = _base_name(func.value)
                    if base:
                        names.add(base)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            names.update(node.names)
    return frozenset(names)


def import_bindings(node: ast.Import | ast.ImportFrom) -> Iterable[tuple[str, str]]:
    for alias in node.names:
        if isinstance(node, ast.Import):
            yield (alias.asname or alias.name.split(".")[0], alias.name)
        else:
            yield (alias.asname or alias.name, f"{node.module}.{alias.name}")


def notebook_imports(nb: nbformat.NotebookNode) -> set[tuple[str, str]]:
    """Every (name, module) an import in the notebook binds."""
    found = set()
    for cell in nb.cells:
        tree = parse(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.update(import_bindings(node))
    return found


@dataclass
class Layout:
    """The solution's code cells in order, and which exercise each graded cell belongs to."""

    sources: list[list[str]]  # every code each code cell may hold (the solution's, and any fixture's)
    exercise: list[str | None]  # answer grade_id of the exercise a cell belongs to (answer or test), else None
    position: dict[str, int]  # answer grade_id -> index of its answer cell
    imports: frozenset[tuple[str, str]] = frozenset()


def layout(nb: nbformat.NotebookNode, fixtures: list[Fixture]) -> Layout:
    graded = nbgrader_cells(nb)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    sources, exercise, position = [], [], {}
    answers = {f.answer for f in fixtures}
    last_answer = None
    for index, cell in enumerate(code_cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        kind = graded[grade_id]["kind"] if grade_id else "plain"
        if kind == "answer":
            last_answer = grade_id
            position[grade_id] = index
            exercise.append(grade_id)
        elif kind == "tests" and last_answer is not None:
            exercise.append(last_answer)
        else:
            exercise.append(None)
        sources.append([cell.source] + [f.code for f in fixtures if f.answer == grade_id and grade_id in answers])
    return Layout(sources, exercise, position, frozenset(notebook_imports(nb)))


def reach(fixture: Fixture, where: Layout) -> set[int]:
    """The code cells (by index) that may see what ``fixture`` changed (see the module docstring)."""
    start = where.position[fixture.answer]
    tainted = writes(fixture.code, where.imports) | writes(where.sources[start][0], where.imports)
    reached: set[int] = set()
    for index in range(start + 1, len(where.sources)):
        if where.exercise[index] == fixture.answer:
            continue
        read = set().union(*(reads(source) for source in where.sources[index]))
        if EVERYTHING in tainted or EVERYTHING in read or read & tainted:
            reached.add(index)
            tainted |= set().union(*(writes(source, where.imports) for source in where.sources[index]))
    return reached


def own_cells(fixture: Fixture, where: Layout) -> set[int]:
    """The fixture's answer cell and its test cell, by index."""
    return {i for i, owner in enumerate(where.exercise) if owner == fixture.answer}


@dataclass
class Pack:
    """Fixtures graded together in one notebook: at most one per answer cell."""

    fixtures: list[Fixture] = field(default_factory=list)

    @property
    def answers(self) -> set[str]:
        return {f.answer for f in self.fixtures}

    @property
    def has_wrong(self) -> bool:
        return any(f.kind == "wrong" for f in self.fixtures)

    @property
    def has_stub(self) -> bool:
        return any(f.kind == "stub" for f in self.fixtures)


def packs(nb: nbformat.NotebookNode, fixtures: list[Fixture]) -> list[Pack]:
    """Fixtures packed into as few notebooks as the rules allow (first fit, busiest cells first).

    Rules: one fixture per answer cell in a pack; no fixture reaches another's
    exercise; wrong answers and stubs never share a pack (a stub's promise, no
    error outside its exercise, must not be blurred by a wrong answer's errors).
    """
    where = layout(nb, fixtures)
    reaches = {id(f): (reach(f, where), own_cells(f, where)) for f in fixtures}
    crowd = {a: sum(f.answer == a for f in fixtures) for a in where.position}
    order = sorted(fixtures, key=lambda f: (-crowd[f.answer], where.position[f.answer]))
    result: list[Pack] = []
    for fixture in order:
        for pack in result:
            if fits(fixture, pack, reaches):
                pack.fixtures.append(fixture)
                break
        else:
            result.append(Pack([fixture]))
    for pack in result:
        pack.fixtures.sort(key=lambda f: where.position[f.answer])
    return result


@functools.cache
def lesson_packs(lesson: str) -> list[Pack]:
    """A lesson's fixtures in packs, worked out once per session: planning and grading both need them."""
    return packs(solution(lesson), all_fixtures(lesson))


def fits(fixture: Fixture, pack: Pack, reaches: dict[int, tuple[set[int], set[int]]]) -> bool:
    """Can ``fixture`` join ``pack``? Neither may reach the other's cells, nor may both reach one cell:
    two effects on one cell can hide each other (a fallback taken for one skips the error of the other)."""
    if fixture.answer in pack.answers:
        return False
    if (fixture.kind == "wrong" and pack.has_stub) or (fixture.kind == "stub" and pack.has_wrong):
        return False
    reached, own = reaches[id(fixture)]
    for other in pack.fixtures:
        other_reached, other_own = reaches[id(other)]
        if reached & (other_own | other_reached) or other_reached & own:
            return False
    return True


def packed_notebook(nb: nbformat.NotebookNode, pack: Pack) -> nbformat.NotebookNode:
    """The solution with each of the pack's answer cells holding its fixture's code."""
    copy = nbformat.from_dict(nb)
    codes = {f.answer: f.code for f in pack.fixtures}
    for cell in copy.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in codes:
            cell.source = codes.pop(grade_id)
    assert not codes, f"fixtures name answer cells the lesson does not have: {sorted(codes)}"
    return copy
