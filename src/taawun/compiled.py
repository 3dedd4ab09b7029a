"""The name engine's hot modules compiled with mypyc, used only when built from the current sources.

Why: screening spends its CPU in a few pure-Python modules (part similarity, phonetic keys, the
index's candidate scoring); compiled with mypyc they run markedly faster with identical results.

Why the compiled files never sit next to the sources: an extension module beside a `.py` wins the
import, so a stale build would silently shadow an edited source. The build goes instead to
`<venv>/taawun-compiled/<stamp>/`, the stamp being a digest of every source the compiled modules
were type-checked against (the whole `names` and `index` packages, as mypyc bakes their types
into the C code) plus the Python and mypy versions. At import, `taawun.names` and `taawun.index`
call `use_compiled`: if the directory for the current stamp exists, it goes in front of the
package's `__path__` (and on `sys.path`, for the group's shared `*__mypyc` library); otherwise,
or with TAAWUN_PURE_PYTHON=1, the pure Python runs. An edited source changes the stamp, so it
can only ever fall back to Python, never run old code.

This module is part of the pure engine library: no web or database imports, and it must not
import `taawun.names` or `taawun.index` (it runs first thing in their `__init__`).
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import cache
from pathlib import Path

# The modules compiled, relative to the `taawun` package. Only modules that measurably speed up
# screening are listed (see benchmarks/README.md); the others stay interpreted.
MODULES: tuple[str, ...] = (
    "names/similarity.py",
    "names/phonetic.py",
    "names/joins.py",
    "names/tokens.py",
    "names/pairing.py",
    "index/person.py",
)
# The packages whose sources the compiled modules were checked against (they import only each other).
PACKAGES: tuple[str, ...] = ("names", "index")
GROUP = "taawun_engine"  # mypyc's shared library is the top-level module `taawun_engine__mypyc`
PURE_ENV = "TAAWUN_PURE_PYTHON"
PACKAGE_ROOT = Path(__file__).resolve().parent  # the `taawun` package directory


def _mypy_version() -> str:
    """The installed mypy's version ("none" without mypy: then there is nothing to build with either)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mypy")
    except PackageNotFoundError:
        return "none"


def stamp(package_root: Path = PACKAGE_ROOT) -> str:
    """Digest of the compiled modules' list, every source of their packages, and the Python and mypy versions."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{_mypy_version()}\0{GROUP}\0{','.join(MODULES)}\0".encode())
    for package in PACKAGES:
        for path in sorted((package_root / package).glob("*.py")):
            digest.update(path.relative_to(package_root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    digest.update((package_root / "compiled.py").read_bytes())
    return digest.hexdigest()[:20]


def builds_root() -> Path:
    """Where builds live: inside the running venv, so that each interpreter has its own."""
    return Path(sys.prefix) / "taawun-compiled"


def build_dir(package_root: Path = PACKAGE_ROOT) -> Path:
    """The directory a build of these sources goes to (it exists only once a build completed)."""
    return builds_root() / stamp(package_root)


def pure_forced() -> bool:
    return os.environ.get(PURE_ENV, "") not in ("", "0")


@cache
def _usable_build() -> Path | None:
    """The build for the current sources, if there is one and compiled code is wanted (checked once)."""
    if pure_forced():
        return None
    path = build_dir()
    return path if (path / "taawun").is_dir() else None


def use_compiled(package: str, package_path: list[str]) -> None:
    """Put the compiled modules of `package` ("taawun.names") in front of its `__path__`, if usable.

    Called first thing by the package's `__init__`, before any of its modules is imported.
    """
    build = _usable_build()
    if build is None:
        return
    compiled_dir = build.joinpath(*package.split("."))
    if not compiled_dir.is_dir():
        return
    if str(build) not in sys.path:
        sys.path.append(str(build))  # the shared `taawun_engine__mypyc`; its name collides with nothing
    package_path.insert(0, str(compiled_dir))


def active() -> bool:
    """Whether the compiled modules are the ones running (each checked by where it was loaded from)."""
    import importlib

    build = _usable_build()
    if build is None:
        return False
    for module in MODULES:
        name = "taawun." + module.removesuffix(".py").replace("/", ".")
        loaded = getattr(importlib.import_module(name), "__file__", None) or ""
        if not Path(loaded).is_relative_to(build):
            return False
    return True


def engine() -> str:
    """"compiled" or "pure", for logs, /healthz and benchmark records."""
    return "compiled" if active() else "pure"
