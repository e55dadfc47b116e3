"""Snapshots: the whole state of a mock as plain JSON data, and a state restored from it.

``write_state(state)`` returns a document; ``read_state(state, document)``
replaces everything a state holds with what a document describes (or refuses it
with a ``SnapshotError`` and changes nothing). See ``docs/snapshots.md``.

The document names its format and version and holds the virtual time, the
settings, the mock-wide objects and their scheduled events, and for each
account and Region its families, ID allocators, idempotency records, taggable
resources and scheduled events. Objects are written as JSON data:

* text, numbers, booleans, ``null`` and JSON objects with text keys as they are;
* ``{"$obj": "runs.model:Run", <attribute>: <value>, ...}``: an object of the
  service's class (a dataclass's fields at their default are left out);
* ``{"$ref": "accounts/<account>/<region>/runs/store/<id>"}``: an object written
  at that place (its first), so objects that point at each other still do;
* ``$time`` (ISO 8601), ``$seconds`` or ``$microseconds`` (durations), ``$bytes``
  (base64), ``$tuple``, ``$set``, ``$frozenset``, ``$deque``, ``$map`` (a dict
  whose keys are not text: ``[[key, value], ...]``), ``$random`` (a generator's
  state), ``$lock``;
* ``$store`` (resources by key with their creation sequence, so page tokens keep
  their meaning), ``$scheduler`` (events due, in order, with their sequence
  numbers, so events due at one instant keep their order);
* ``$method`` and ``$partial``: a scheduled event's action, a named method of an
  object of the state with its arguments;
* ``$omitted``: what could not be written (listed in ``omitted``).
"""

from .classes import SnapshotError
from .document import FORMAT, VERSION, build_state, read_state, write_state

__all__ = ["FORMAT", "VERSION", "SnapshotError", "build_state", "read_state", "write_state"]
