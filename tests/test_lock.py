"""The lock files are complete: installing one with --no-deps leaves nothing to resolve.

The README installs each lock with ``pip install --no-deps --require-hashes``, so a
package missing from a lock (or pinned at a version its dependant rejects) would only
show up as a broken install on a fresh machine. These tests walk the requirement graph
from the project's own declarations through the installed metadata (CI installs exactly
``requirements-dev.lock``) and check every edge against the pins.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from .conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.M)
# What hatchling asks for on top of its static requirements when pip builds an
# editable install (the README's test command installs the project with -e).
EDITABLE_BUILD_EXTRAS = ["editables"]


def _pins(lock: str) -> dict[str, Version]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): Version(version) for name, version in PIN.findall(text)}


def _applies(req: Requirement, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    env = dict(default_environment())
    return any(req.marker.evaluate({**env, "extra": extra}) for extra in extras or {""})


def _closure(roots: list[Requirement]) -> list[tuple[str, Requirement]]:
    """Every (dependant, requirement) edge reachable from ``roots`` on this Python."""
    edges: list[tuple[str, Requirement]] = []
    todo = [("pyproject.toml", req, {""}) for req in roots]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        parent, req, parent_extras = todo.pop()
        if not _applies(req, parent_extras):
            continue
        edges.append((parent, req))
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # reported by the caller as unpinned or uninstalled
        wanted = {"", *req.extras}
        for line in dist.requires or []:
            todo.append((name, Requirement(line), wanted))
    return edges


#: Each lock and the extras it holds on top of the core dependencies and the build backend.
LOCKS = {
    "requirements.lock": (),
    "requirements-dask.lock": ("dask",),
    "requirements-train.lock": ("train",),
    "requirements-dev.lock": ("test", "dask", "train"),
}


def _roots(extras: tuple[str, ...]) -> list[Requirement]:
    project = PYPROJECT["project"]
    lines = list(project["dependencies"]) + list(PYPROJECT["build-system"]["requires"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    if "test" in extras:
        lines += EDITABLE_BUILD_EXTRAS
    return [Requirement(line) for line in lines]


def test_every_extra_has_a_lock() -> None:
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    assert extras == {extra for held in LOCKS.values() for extra in held}
    assert set(LOCKS) == {path.name for path in ROOT.glob("requirements*.lock")}


@pytest.mark.parametrize(("lock", "extras"), sorted(LOCKS.items()))
def test_lock_pins_every_dependency_at_a_version_its_dependants_accept(
    lock: str, extras: tuple[str, ...]
) -> None:
    pins = _pins(lock)
    problems = []
    for parent, req in _closure(_roots(extras)):
        name = canonicalize_name(req.name)
        if name not in pins:
            problems.append(f"{parent} needs {req}, which {lock} does not pin")
        elif not req.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{parent} needs {req}, but {lock} pins {pins[name]}")
    assert not problems, "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("lock", sorted(set(LOCKS) - {"requirements-dev.lock"}))
def test_every_lock_agrees_with_the_dev_lock(lock: str) -> None:
    """What CI tests is what users install: one version of each package in every lock."""
    pins, dev = _pins(lock), _pins("requirements-dev.lock")
    assert set(pins) <= set(dev)
    assert {name: dev[name] for name in pins} == pins


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_lock_pins_by_hash_and_names_no_index(lock: str) -> None:
    text = (ROOT / lock).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    assert not re.search(r"--(extra-)?index-url|--find-links|https?://", text)


def test_installed_environment_is_the_dev_lock() -> None:
    """CI installs the dev lock with --no-deps; what is installed is what is pinned."""
    for name, version in _pins("requirements-dev.lock").items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            continue  # pip leaves out what the running Python doesn't need
        assert installed == version, f"{name}: installed {installed}, locked {version}"
