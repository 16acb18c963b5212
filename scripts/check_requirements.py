#!/usr/bin/env python3
"""Checks that the installed packages are exactly the locked set.

1. Every pin of ``requirements.in`` / ``requirements-dev.in`` is in its lock file
   (``requirements.txt`` / ``requirements-dev.txt``) at the same version, and the runtime lock
   agrees with the development lock: the locks were compiled after the last edit (``make lock``).
2. The Python running this script has every package of the lock at its locked version and
   nothing else (``pip freeze`` against the lock), and ``pip check`` finds no broken dependency.

Run by ``make`` after each install (so ``make run``, ``make test`` and CI use the locked set);
by hand: ``.venv/bin/python scripts/check_requirements.py [--lock requirements.txt]``.
Exit status 1 with one line per difference.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
# The installer's own packages: counted when the lock has them (the development lock does), not as
# extras when it does not (a venv brings pip, and setuptools before Python 3.12).
INSTALLER = {"pip", "setuptools", "wheel"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\#]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """name → version of the ``name==version`` lines of a requirements file (``-r``/``-c``
    lines, comments and hash continuation lines are skipped)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonical(match[1])] = match[2]
    return found


def lock_problems() -> list[str]:
    problems = []
    for source, lock in PAIRS:
        locked = pins(ROOT / lock)
        for name, version in sorted(pins(ROOT / source).items()):
            if name not in locked:
                problems.append(f"{source} pins {name}=={version} but {lock} has no {name}: run `make lock`")
            elif locked[name] != version:
                problems.append(f"{source} pins {name}=={version} but {lock} has {name}=={locked[name]}: run `make lock`")
    runtime, dev = pins(ROOT / PAIRS[0][1]), pins(ROOT / PAIRS[1][1])
    for name, version in sorted(runtime.items()):
        if dev.get(name) != version:
            problems.append(f"requirements.txt has {name}=={version} but requirements-dev.txt has "
                            f"{name}=={dev.get(name, '(nothing)')}: run `make lock`")
    return problems


def environment_problems(lock: Path) -> list[str]:
    locked = pins(lock)
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}
    problems = []
    for name, version in sorted(locked.items()):
        if name not in installed:
            problems.append(f"{name}=={version} is locked but not installed")
        elif installed[name] != version:
            problems.append(f"{name} is installed at {installed[name]}, the lock says {version}")
    for name in sorted(set(installed) - set(locked) - INSTALLER):
        problems.append(f"{name}=={installed[name]} is installed but not in {lock.name}")
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    if check.returncode != 0:
        problems += [f"pip check: {line}" for line in check.stdout.splitlines() if line.strip()]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", default="requirements-dev.txt",
                        help="the lock the environment must equal (default: requirements-dev.txt)")
    args = parser.parse_args(argv)
    lock = ROOT / args.lock
    problems = lock_problems() + environment_problems(lock)
    for problem in problems:
        print(f"check_requirements: {problem}", file=sys.stderr)
    if problems:
        print("check_requirements: the environment is not the locked set (docs/development.md, 'Dependencies')", file=sys.stderr)
        return 1
    print(f"check_requirements: {len(pins(lock))} packages, exactly {args.lock}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
