"""The layers of the code base, read from its imports (docs/ARCHITECTURE.md, "Layers").

kernel → platform → domains → composition → webapp: a module imports only from its own
layer or the ones before it. The engine and the rules never import the web stack. One
domain reaches another only through that package's `__init__`. First-party imports sit at
the top of a module, never inside a function, where they would hide a cycle. SpiffWorkflow is
the platform's: domains and the web reach processes through the runtime.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "rules", "webapp")
FIRST_PARTY = frozenset(PACKAGES)

KERNEL, PLATFORM, DOMAINS, COMPOSITION, WEBAPP = range(5)
LAYER_NAMES = ("kernel", "platform", "domain", "composition", "webapp")
# engine.<name> → its layer; a new top-level module or package must be placed here.
ENGINE_LAYERS = {
    **dict.fromkeys(("__init__", "config", "db", "clock", "errors", "paging", "audit",
                     "migrate", "models", "masking"), KERNEL),
    **dict.fromkeys(("workflow", "runtime", "org", "calendar", "work"), PLATFORM),
    **dict.fromkeys(("registry", "dual_notice", "disclosure", "inspection", "credit_check",
                     "unlicensed", "credit_lists", "spot_check"), DOMAINS),
    **dict.fromkeys(("domains", "tasks", "entity_records", "entity_page", "shared_registry",
                     "scheduler", "seed", "cli", "people_import", "practice"), COMPOSITION),
}
WORKFLOW_ENGINE = "SpiffWorkflow"
WEB_STACK = frozenset({"flask", "flask_login", "flask_wtf", "flask_babel", "jinja2",
                       "werkzeug", "webapp"})


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file, relative to the root
    line: int
    target: str  # the module imported (a name taken from a package counts as the package)
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, path: Path) -> list[Import]:
    """Every import in the file, with the names `from package import name` takes resolved
    to submodules where they are submodules."""
    tree = ast.parse((root / path).read_text(encoding="utf-8"), str(path))
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend(Import(path, child.lineno, alias.name, in_function)
                             for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                for alias in child.names:
                    sub = f"{child.module}.{alias.name}"
                    is_module = any((root / Path(*sub.split("."))).with_suffix(s).exists()
                                    for s in (".py", ""))
                    found.append(Import(path, child.lineno, sub if is_module else child.module,
                                        in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] == "rules":
        return KERNEL  # pure rule functions for the sandbox: they import nothing of ours
    if parts[0] == "webapp":
        return WEBAPP
    if parts[0] == "engine":
        return ENGINE_LAYERS.get(parts[1] if len(parts) > 1 else "__init__")
    return None


def domain_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "engine" and len(parts) > 1 and ENGINE_LAYERS.get(parts[1]) == DOMAINS:
        return parts[1]
    return None


def violations(root: Path) -> list[str]:
    """What breaks the layering under `root`, as "file:line: reason", sorted."""
    problems: set[str] = set()
    for package in PACKAGES:
        for file in sorted((root / package).rglob("*.py")):
            path = file.relative_to(root)
            name = module_name(path)
            layer = layer_of(name)
            if layer is None:
                problems.add(f"{path}:1: {name} is in no layer (place it in ENGINE_LAYERS)")
                continue
            for imp in imports_of(root, path):
                problems.update(_check(name, layer, imp))
    return sorted(problems)


def _check(name: str, layer: int, imp: Import) -> list[str]:
    where = f"{imp.path}:{imp.line}"
    top = imp.target.split(".")[0]
    if top in WEB_STACK and layer < WEBAPP:
        return [f"{where}: {name} imports {imp.target}: the engine and the rules never "
                f"import the web stack"]
    if top == WORKFLOW_ENGINE and layer != PLATFORM:
        return [f"{where}: {name} imports {imp.target}: only the platform (workflow/, "
                f"runtime/, work/) drives SpiffWorkflow"]
    if top not in FIRST_PARTY:
        return []
    problems = []
    if imp.in_function:
        problems.append(f"{where}: {name} imports {imp.target} inside a function")
    target_layer = layer_of(imp.target)
    if target_layer is not None and target_layer > layer:
        problems.append(f"{where}: {name} ({LAYER_NAMES[layer]}) imports {imp.target} "
                        f"({LAYER_NAMES[target_layer]})")
    mine, theirs = domain_of(name), domain_of(imp.target)
    if (layer == DOMAINS and theirs is not None and theirs != mine
            and imp.target != f"engine.{theirs}"):
        problems.append(f"{where}: {name} reaches into {imp.target}: another domain is "
                        f"used through engine.{theirs} only")
    return problems


def test_the_code_base_keeps_its_layers():
    assert violations(ROOT) == []


FIXTURE_TREE = {
    "engine/__init__.py": "",
    "engine/config.py": "from engine import runtime\n",
    "engine/errors.py": "",
    "engine/runtime/__init__.py": "from engine.dual_notice import PROCESS_KEY\n",
    "engine/runtime/cases.py": "from engine import errors\nimport sqlalchemy\n",
    "engine/registry/__init__.py": "from engine.registry.rows import parse\n",
    "engine/registry/rows.py": "def parse():\n    from engine import tasks\n",
    "engine/dual_notice/__init__.py": "PROCESS_KEY = 'dual_notice'\n",
    "engine/dual_notice/notices.py": ("from engine.registry import parse\n"
                                      "from engine.registry.rows import parse as p\n"
                                      "from engine.registry import rows\n"
                                      "import flask\n"
                                      "from SpiffWorkflow.util.task import TaskState\n"),
    "engine/tasks.py": "from engine.dual_notice import notices\nfrom engine import domains\n",
    "engine/domains.py": "from engine.registry import parse\n",
    "engine/gadgets.py": "",
    "rules/__init__.py": "from jinja2 import Template\n",
    "webapp/__init__.py": "from flask import Flask\nfrom engine import tasks\n",
}


def test_the_check_finds_each_kind_of_violation(tmp_path: Path):
    for name, text in FIXTURE_TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")

    assert violations(tmp_path) == [
        "engine/config.py:1: engine.config (kernel) imports engine.runtime (platform)",
        "engine/dual_notice/notices.py:2: engine.dual_notice.notices reaches into "
        "engine.registry.rows: another domain is used through engine.registry only",
        "engine/dual_notice/notices.py:3: engine.dual_notice.notices reaches into "
        "engine.registry.rows: another domain is used through engine.registry only",
        "engine/dual_notice/notices.py:4: engine.dual_notice.notices imports flask: the "
        "engine and the rules never import the web stack",
        "engine/dual_notice/notices.py:5: engine.dual_notice.notices imports "
        "SpiffWorkflow.util.task: only the platform (workflow/, runtime/, work/) drives "
        "SpiffWorkflow",
        "engine/gadgets.py:1: engine.gadgets is in no layer (place it in ENGINE_LAYERS)",
        "engine/registry/rows.py:2: engine.registry.rows (domain) imports engine.tasks "
        "(composition)",
        "engine/registry/rows.py:2: engine.registry.rows imports engine.tasks inside a "
        "function",
        "engine/runtime/__init__.py:1: engine.runtime (platform) imports engine.dual_notice "
        "(domain)",
        "rules/__init__.py:1: rules imports jinja2: the engine and the rules never import "
        "the web stack",
    ]
