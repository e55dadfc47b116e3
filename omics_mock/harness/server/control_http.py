"""The HTTP control API of server mode, under ``/_omics_mock``, as JSON.

``handle_control`` answers one request: 200 with the endpoint's JSON, or
``{"error": message}``: 400 for bad input, 404 for unknown runs and paths, 405
for a known path with the wrong method. It never raises.
"""

from __future__ import annotations

from ...wire.errors import ValidationException
from . import control_routes, control_snapshot, dashboard  # noqa: F401 (registers the endpoints)
from .control_request import (
    JSON_HEADERS,
    Answer,
    ControlError,
    ControlRequest,
    ControlTarget,
    dumps,
    error_answer,
    find_route,
    json_object,
    query_values,
)


def handle_control(
    target: ControlTarget, method: str, path: str, query: str, body: bytes
) -> Answer:
    """Answer a control request; ``path`` is below ``CONTROL_PREFIX``. Never raises."""
    try:
        handler, path_args = find_route(method, path)
        payload = handler(ControlRequest(target, path_args, json_object(body), query_values(query)))
        return 200, list(JSON_HEADERS), dumps(payload)
    except ControlError as error:
        status, message = error.status, str(error)
    except KeyError as error:
        status, message = 404, str(error.args[0] if error.args else error)
    except (ValueError, TypeError, OverflowError, ValidationException) as error:
        status, message = 400, str(error)
    except Exception as error:  # a bug in the mock: say so rather than drop the connection
        status, message = 500, f"omics-mock internal error: {type(error).__name__}: {error}"
    return error_answer(status, message)
