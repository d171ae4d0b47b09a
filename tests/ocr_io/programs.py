"""Stand-ins for external programs, for tests of a broken or slow machine: a folder shadowing real ones.

`path_without(names, folder)` is a PATH with everything the current PATH offers except `names` (symlinks in
one folder), so a subprocess really finds no `tesseract` or `pdftoppm`. `slow_program(...)` writes a shell
script that runs the real program but sleeps, counted in a log, so timeouts are exercised on real processes.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path


def path_without(names: set[str], folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not Path(directory).is_dir():
            continue
        for entry in Path(directory).iterdir():
            target = folder / entry.name
            if entry.name in names or target.exists() or target.is_symlink():
                continue
            if entry.is_file() and os.access(entry, os.X_OK):
                target.symlink_to(entry)
    return str(folder)


def slow_program(folder: Path, name: str, when: str, log: Path, then: str = "exec sleep 600") -> Path:
    """`folder/name`: logs each run's arguments to `log`; a run for which the shell condition `when` holds
    then does `then` (by default sleeps, as `exec sleep` so the caller's kill ends it); the others behave as
    the real program.

    `when` is evaluated after the real program ran, with "$@" the arguments (e.g. `grep -qF WORD "$2".tsv`),
    so a condition may look at what the real program wrote.
    """
    real = shutil.which(name)
    assert real, f"{name} is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f"echo \"$*\" >> '{log}'\n"
        "case \"$1\" in -v|--version|--list-langs) exec " + f"'{real}'" + " \"$@\";; esac\n"
        f"'{real}' \"$@\" || exit $?\n"
        f"if {when}; then {then}; fi\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


def runs(log: Path, *, excluding: tuple[str, ...] = ("-v", "--version", "--list-langs")) -> list[str]:
    """The logged runs, without version probes."""
    if not log.exists():
        return []
    return [line for line in log.read_text().splitlines() if line.split(" ", 1)[0] not in excluding]
