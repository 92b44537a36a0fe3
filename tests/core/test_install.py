"""`make run` installs only what serving needs; `make test` adds the test tools, once.

The runtime lock's packages are checked without a second venv: every package the app and
its migrations import must be a standard module or come from a distribution that
requirements.lock names. (bench/fresh_run.py runs `make run` in a fresh clone for real.)
"""

import ast
import os
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is tests/core/test_install.py)


def dry_run(target: str, venv: Path | None = None) -> str:
    """What `make TARGET` would run (`make -n`), with VENV elsewhere when given; nothing is executed."""
    args = ["make", "--no-print-directory", "-n", target] + ([f"VENV={venv}"] if venv else ["-B"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "MFLAGS"}
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def lock_names(lock: str) -> set[str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {normalized(m) for m in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.MULTILINE)}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_packages(*folders: str) -> set[str]:
    """The top-level names every `import` in the folders' modules brings in (absolute imports only)."""
    names = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names


def test_make_run_installs_the_runtime_lock_and_make_test_the_dev_lock() -> None:
    run = dry_run("run")
    assert "tools/install.sh requirements.lock" in run
    assert "requirements-dev.lock" not in run
    assert "council serve" in run
    for target in ("test", "lint", "bench"):
        assert "tools/install.sh requirements-dev.lock" in dry_run(target), target


def test_make_test_after_make_run_adds_the_test_tools_and_make_run_after_make_test_installs_nothing(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed-runtime").touch()  # `make run` has installed the runtime lock
    assert "install.sh" not in dry_run("run", venv)
    assert "tools/install.sh requirements-dev.lock" in dry_run("test", venv)

    (venv / ".installed-dev").touch()  # then `make test` the dev lock
    assert "install.sh" not in dry_run("run", venv)
    assert "install.sh" not in dry_run("test", venv)


def test_every_package_the_app_imports_is_in_the_runtime_lock() -> None:
    runtime = lock_names("requirements.lock")
    distributions = packages_distributions()
    third_party = imported_packages("app", "migrations") - set(sys.stdlib_module_names) - {"app"}
    assert {"fastapi", "sqlmodel", "alembic", "uvicorn"} <= third_party  # the walk found the imports
    missing = {
        name: distributions.get(name)
        for name in sorted(third_party)
        if not any(normalized(d) in runtime for d in distributions.get(name, []))
    }
    assert missing == {}, f"imported by app/ or migrations/ but not in requirements.lock: {missing}"


def test_the_dev_lock_holds_the_runtime_lock() -> None:
    assert lock_names("requirements.lock") <= lock_names("requirements-dev.lock")
