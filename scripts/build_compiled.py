"""Compile the name engine's hot modules with mypyc into the venv (see `taawun.compiled`).

    python scripts/build_compiled.py          # build if the current sources have no build yet
    python scripts/build_compiled.py --force  # rebuild anyway

Run by `dev.py` (serve, test, setup) with the venv's python. Prints one line when it builds and
one when it cannot (no C compiler, no Python headers, or a failed build, which is then not retried
for the same sources without --force); exit status 0 when a build for the current sources exists.
The compiler's output goes to a log beside the builds, not to the terminal. The build is
written to a temporary directory and renamed into place, so a half-made build is never used.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from taawun import compiled


def say(msg: str) -> None:
    print(f"build_compiled: {msg}", file=sys.stderr, flush=True)


def _missing_tool() -> str | None:
    """What the build certainly lacks (checked before mypyc's half minute of type checking), if anything."""
    if importlib.util.find_spec("mypyc") is None:
        return "mypyc (part of mypy, a dev dependency) is not installed"
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) was found"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "the Python headers (Python.h) are not installed"
    return None


def _build(out: Path, work: Path) -> None:
    """mypyc + setuptools build_ext, all intermediate files under `work`, the extensions under `out`."""
    from mypyc.build import mypycify
    from setuptools import setup

    sources = [str(compiled.PACKAGE_ROOT / m) for m in compiled.MODULES]
    mypy_flags = ["--ignore-missing-imports", "--cache-dir", str(work / "mypy_cache")]
    os.chdir(work)  # mypyc writes its C files under ./build
    extensions = mypycify([*mypy_flags, *sources], group_name=compiled.GROUP, opt_level="3")
    setup(name="taawun-compiled", ext_modules=extensions,
          script_args=["build_ext", "--build-lib", str(out), "--build-temp", str(work / "temp")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rebuild even if a build for these sources exists")
    args = parser.parse_args()
    target = compiled.build_dir()
    if target.is_dir() and not args.force:
        return 0
    root = compiled.builds_root()
    root.mkdir(parents=True, exist_ok=True)
    log = root / f"{target.name}.log"
    failed = root / f"{target.name}.failed"  # not retried at every start: a failure costs half a minute
    if failed.exists() and not args.force:
        say(f"the last build of these sources failed (see {log}; retry with --force); the pure-Python engine is used")
        return 1
    missing = _missing_tool()
    if missing:
        say(f"{missing}, so the engine is not compiled; the pure-Python engine is used (same results, slower)")
        return 1
    say(f"compiling the name engine with mypyc (about a minute, once per source change; log: {log})")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
    out, work = tmp / "out", tmp / "work"
    work.mkdir()
    cwd = os.getcwd()
    try:
        with open(log, "w") as stream, contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            # the C compiler writes to the file descriptors themselves, not to sys.stdout
            saved = os.dup(1), os.dup(2)
            os.dup2(stream.fileno(), 1)
            os.dup2(stream.fileno(), 2)
            try:
                _build(out, work)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
        if args.force and target.is_dir():
            shutil.rmtree(target)
        with contextlib.suppress(OSError):  # a concurrent build of the same sources may have won: fine
            out.rename(target)
    except BaseException as exc:  # SystemExit from setuptools on a compiler error, too
        failed.touch()
        say(f"the build failed ({type(exc).__name__}: see {log}); the pure-Python engine is used")
        return 1
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp, ignore_errors=True)
    if not (target / "taawun").is_dir():
        say(f"the build produced nothing (see {log}); the pure-Python engine is used")
        return 1
    say(f"built in {time.monotonic() - started:.0f} s: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
