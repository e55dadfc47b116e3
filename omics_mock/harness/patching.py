"""Attribute patches that go in when the first mock starts and come out with the last.

``Patch`` remembers what it replaced and puts it back only if the attribute
still holds the replacement: when another library patched the same attribute
on top of ours, taking ours out would break theirs, so ours stays in place
(every replacement does nothing while no mock is active).
"""

from __future__ import annotations

from typing import Any

_MISSING = object()


class Patch:
    """``setattr(target, name, replacement)`` that can be undone exactly."""

    def __init__(self, target: Any, name: str, replacement: Any) -> None:
        self.target = target
        self.name = name
        self.replacement = replacement
        self._original: Any = _MISSING
        self.installed = False

    @property
    def original(self) -> Any:
        """What the attribute held before the patch went in."""
        return self._original

    def install(self) -> None:
        if self.installed:
            return
        self._original = self.target.__dict__.get(self.name, _MISSING)
        setattr(self.target, self.name, self.replacement)
        self.installed = True

    def remove(self) -> None:
        if not self.installed:
            return
        self.installed = False
        if self.target.__dict__.get(self.name) is not self.replacement:
            return  # patched again on top of ours: leave both (ours is inert when inactive)
        if self._original is _MISSING:
            delattr(self.target, self.name)
        else:
            setattr(self.target, self.name, self._original)


class PatchSet:
    """Patches installed and removed together, in order and in reverse."""

    def __init__(self) -> None:
        self.patches: list[Patch] = []

    def add(self, target: Any, name: str, replacement: Any) -> Patch:
        patch = Patch(target, name, replacement)
        self.patches.append(patch)
        return patch

    def install(self) -> None:
        for patch in self.patches:
            patch.install()

    def remove(self) -> None:
        for patch in reversed(self.patches):
            patch.remove()
