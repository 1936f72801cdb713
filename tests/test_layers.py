"""The import contract between the layers, checked on every test run.

- `bot.core` (the fact model, matcher, quiz and policy) imports neither `discord` nor the
  database (`bot.db`, `sqlalchemy`), so it can be used and tested without either;
- `bot.db` never imports the Discord layer (`bot.exts`) nor `discord`;
- `bot.services` never imports `discord` or `bot.exts`: cogs call services, not the reverse.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

BOT = REPO_ROOT / "bot"

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "bot.core": ("discord", "bot.db", "sqlalchemy", "bot.exts", "bot.services", "bot.client"),
    "bot.db": ("discord", "bot.exts", "bot.services", "bot.client"),
    "bot.services": ("discord", "bot.exts", "bot.client"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved (TYPE_CHECKING ones included:
    a layer should not even name what it must not use)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def violates(name: str, forbidden: tuple[str, ...]) -> bool:
    return any(name == f or name.startswith(f"{f}.") for f in forbidden)


CASES = [
    pytest.param(layer, path, id=module_name(path))
    for layer in FORBIDDEN
    for path in sorted((BOT / layer.split(".")[1]).rglob("*.py"))
    if "migrations" not in path.parts
]


@pytest.mark.parametrize(("layer", "path"), CASES)
def test_each_module_imports_only_what_its_layer_may(layer: str, path: Path) -> None:
    bad = sorted(n for n in imports_of(path) if violates(n, FORBIDDEN[layer]))
    assert bad == [], f"{module_name(path)} imports {bad}"


def test_the_contract_checker_sees_a_violation() -> None:
    assert imports_of(BOT / "core" / "policy.py") >= {
        "bot.core.matcher"
    }  # the checker reads real imports
    assert violates("discord.ext.commands", FORBIDDEN["bot.core"])
    assert violates("bot.db.facts", FORBIDDEN["bot.core"])
    assert not violates("bot.dbx", FORBIDDEN["bot.core"])
    # relative imports are resolved against the importing package
    assert "bot.core.matcher._result" in imports_of(BOT / "core" / "matcher" / "__init__.py")


def test_importing_the_whole_core_loads_neither_discord_nor_the_database() -> None:
    modules = [
        module_name(p)
        for p in sorted((BOT / "core").rglob("*.py"))
        if not p.name.startswith("_") or p.name == "__init__.py"
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "print(sorted(m for m in ('discord', 'sqlalchemy', 'bot.db', 'bot.exts') if m in loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert out.stdout.strip() == "[]"
