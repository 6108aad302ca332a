"""The memory allocator the ``sckg`` command runs with.

pyoxigraph's engine allocates and frees small objects for every row it joins, groups or writes, through the
C library's ``malloc``. With mimalloc preloaded, the query library at L (10 M triples) runs 1.28× faster in
geometric mean, its heaviest queries 1.1–1.7×, and loading 1.23× (bench/README.md, "The allocator"). The
console command ``sckg`` therefore starts again, once, with the allocator preloaded (``LD_PRELOAD``) when the
system has one, chosen by the setting ``MALLOC``: ``auto`` (mimalloc, else jemalloc, else the C library's),
``none``, or a library's path or name.

Only the console command does this (:func:`main`); ``app.cli.cli`` called in a process (tests, an embedding
application) never replaces that process.
"""
from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

#: the allocators ``auto`` looks for, best first, by ``ctypes.util.find_library`` name
AUTO = ("mimalloc", "jemalloc")
#: set in the environment of the restarted command, so it does not start again
STARTED = "SCKG_MALLOC_STARTED"


def choose(setting: str) -> str | None:
    """The library to preload for ``setting``; None for the C library's own allocator.

    :raises ValueError: a named library that the system does not have.
    """
    setting = (setting or "").strip()
    if setting.lower() in ("", "none", "off", "libc"):
        return None
    if setting.lower() == "auto":
        return next((lib for lib in map(ctypes.util.find_library, AUTO) if lib), None)
    if "/" in setting:
        if not Path(setting).is_file():
            raise ValueError(f"SCKG_MALLOC: no library at {setting}")
        return setting
    lib = ctypes.util.find_library(setting.removeprefix("lib").split(".so")[0])
    if lib is None:
        raise ValueError(f"SCKG_MALLOC: the system has no library named {setting!r} (use auto, none or a path)")
    return lib


def active() -> str:
    """The allocator this process runs with: ``mimalloc``, ``jemalloc`` or ``libc``."""
    try:
        maps = Path("/proc/self/maps").read_text(errors="replace")
    except OSError:
        return "libc"
    return next((name for name in AUTO if f"lib{name}" in maps), "libc")


def child_environ(lib: str | None) -> dict[str, str]:
    """This process's environment for a child that runs with ``lib`` as its only preloaded library (None: the C
    library's allocator) and does not choose again: how the benchmarks start servers and engines."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env[STARTED] = lib or "none"
    return env | ({"LD_PRELOAD": lib} if lib else {})


def restart_with_allocator(python_args: list[str], environ: dict[str, str] | None = None) -> None:
    """Replace this process by ``python python_args…`` with the chosen allocator preloaded, if there is one to
    preload and it is not loaded yet; otherwise return. The benchmarks start again this way too, so they
    measure the engine as ``sckg`` runs it."""
    environ = dict(os.environ if environ is None else environ)
    if not sys.platform.startswith("linux") or environ.get(STARTED):
        return
    try:
        lib = choose(environ.get("SCKG_MALLOC", "auto"))
    except ValueError as e:
        sys.exit(f"sckg: configuration: {e}")
    if lib is None or active() != "libc":
        return
    preload = " ".join(p for p in (lib, environ.get("LD_PRELOAD", "")) if p)
    environ.update({"LD_PRELOAD": preload, STARTED: lib})
    os.execve(sys.executable, [sys.executable, *python_args], environ)
