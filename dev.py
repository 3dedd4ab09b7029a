#!/usr/bin/env python3
"""Two-command developer entry point: `python3 dev.py serve` and `python3 dev.py test`.

Why a stdlib-only script: on a fresh machine with nothing but Python 3.11 there is no venv, no
Taawun and no pytest yet. This script creates `.venv` when it is missing or stale (its recorded
hash of requirements.lock + pyproject.toml no longer matches), installs the pinned lock file and
Taawun itself (editable, without re-resolving dependencies), then runs the requested command
inside it. It is idempotent: a second run with unchanged lock files starts at once.

    python3 dev.py serve [--port 8000]   # web server on 127.0.0.1 with demo data and logins
    python3 dev.py test [pytest args]    # the whole test suite; exit status is pytest's
    python3 dev.py setup                 # only create/refresh .venv
    python3 dev.py run CMD [ARGS]        # run a command from .venv/bin (e.g. ruff, mypy, python)

serve, test and setup also compile the name engine's hot modules with mypyc into .venv when the
engine's sources have no build yet (about a minute; see src/taawun/compiled.py). Without a C
compiler that step fails and Taawun runs the same code as pure Python. TAAWUN_PURE_PYTHON=1
skips the build and forces pure Python.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".taawun-deps.sha256"
LOCK_INPUTS = ("requirements.lock", "pyproject.toml")
WANTED = (3, 11)
DEFAULT_DB = ROOT / "var" / "taawun.db"


def say(msg: str) -> None:
    print(f"dev.py: {msg}", file=sys.stderr, flush=True)


def ensure_python() -> None:
    """Re-run under python3.11 if started by another interpreter (the lock file is for 3.11 only)."""
    if sys.version_info[:2] == WANTED:
        return
    exe = shutil.which("python3.11")
    if exe and not os.environ.get("TAAWUN_DEV_REEXEC"):
        os.environ["TAAWUN_DEV_REEXEC"] = "1"
        os.execv(exe, [exe, __file__, *sys.argv[1:]])
    sys.exit(f"dev.py: Taawun needs Python 3.11 (this is {sys.version.split()[0]}, and no python3.11 on PATH).")


def deps_hash() -> str:
    digest = hashlib.sha256()
    for name in LOCK_INPUTS:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return digest.hexdigest()


def venv_python_ok() -> bool:
    """The venv exists and its interpreter runs and is 3.11 (a venv made by another Python is stale)."""
    python = BIN / "python"
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-c", "import sys; print(sys.version_info[:2] == (3, 11))"],
                           capture_output=True, text=True)
    return probe.returncode == 0 and probe.stdout.strip() == "True"


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"dev.py: command failed ({result.returncode}): {' '.join(cmd)}")


def ensure_venv() -> None:
    wanted = deps_hash()
    if venv_python_ok() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not venv_python_ok():
        if VENV.exists():
            say("removing a broken or foreign .venv")
            shutil.rmtree(VENV)
        say("creating .venv (first run installs the pinned dependencies: about a minute)")
        run([sys.executable, "-m", "venv", str(VENV)])
    else:
        say("requirements.lock or pyproject.toml changed: refreshing .venv")
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    os.environ.setdefault("PIP_ROOT_USER_ACTION", "ignore")  # CI runs as root; the warning is noise
    run([*pip, "install", "-r", "requirements.lock"])
    run([*pip, "install", "--no-deps", "-e", "."])
    STAMP.write_text(wanted + "\n")
    say(".venv is ready")


def ensure_compiled() -> None:
    """Build the compiled engine if the sources changed since the last build; never fatal.

    The build script (run by the venv's python: it needs mypyc) prints its own line when it builds
    and when it fails; a failure leaves the pure-Python engine running, which gives the same results.
    """
    if os.environ.get("TAAWUN_PURE_PYTHON", "") not in ("", "0"):
        return
    try:
        result = subprocess.run([str(BIN / "python"), str(ROOT / "scripts" / "build_compiled.py")], cwd=ROOT)
    except OSError as exc:
        say(f"could not run the mypyc build ({exc}); using the pure-Python engine")
        return
    if result.returncode not in (0, 1):  # 1: the script already said why
        say(f"the mypyc build stopped (exit status {result.returncode}); using the pure-Python engine")


def exec_in_venv(cmd: list[str], env: dict[str, str] | None = None) -> None:
    """Replace this process so signals (Ctrl-C) and the exit status belong to the real command."""
    os.chdir(ROOT)
    full_env = {**os.environ, **(env or {}), "VIRTUAL_ENV": str(VENV),
                "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    program = cmd[0] if os.sep in cmd[0] else str(BIN / cmd[0]) if (BIN / cmd[0]).exists() else cmd[0]
    os.execvpe(program, cmd, full_env)


def main(argv: list[str]) -> None:
    ensure_python()
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command not in {"serve", "test", "setup", "run"}:
        sys.exit(f"dev.py: unknown command {command!r}; use serve, test, setup or run")
    ensure_venv()
    if command != "run":
        ensure_compiled()
    if command == "setup":
        return
    if command == "test":
        exec_in_venv([str(BIN / "python"), "-m", "pytest", *(rest or ["tests", "-n", "2"])])
    if command == "run":
        if not rest:
            sys.exit("dev.py: run needs a command, e.g. `python3 dev.py run ruff check src tests`")
        exec_in_venv(rest)
    # serve: an embedded SQLite file under var/ unless TAAWUN_DB says otherwise.
    env = {}
    if not os.environ.get("TAAWUN_DB"):
        DEFAULT_DB.parent.mkdir(exist_ok=True)
        env["TAAWUN_DB"] = f"sqlite:///{DEFAULT_DB}"
    exec_in_venv([str(BIN / "taawun"), "serve", "--host", "127.0.0.1", "--port", "8000", "--demo", *rest], env)


if __name__ == "__main__":
    main(sys.argv[1:])
