"""What the state looks like: the server's dashboard page and notebook displays.

* ``views``: the state as plain data (runs with their phases and tasks, workflows,
  run groups, batches, caches, storage, analytics), read-only;
* ``palette``: one colour per status, for every display;
* ``timeline``: a run's tasks over virtual time, as SVG, HTML and text;
* ``table``: the notebook display of a mock (``OmicsMock._repr_html_``);
* ``page`` and ``script``: the dashboard page server mode serves at ``/_omics_mock/``.

Nothing here changes the simulation: a view catches up with virtual time, as any
request does, and then only reads. See ``docs/dashboard.md``.
"""

PAGE = 100
"""Runs per page of a view unless asked otherwise."""
MAX_PAGE = 10_000
"""The most runs one view holds."""
