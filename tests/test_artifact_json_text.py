"""The JSON text runs write is exactly what ``json.dumps`` writes (the fast encoders)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from omics_mock.service.run_artifacts.jsontext import compact, indented, quoted

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
keys = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(), inner, max_size=4),
        st.dictionaries(keys, inner, max_size=3),
    ),
    max_leaves=20,
)


@given(values)
def test_indented_is_json_dumps_with_indent_2(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2)


@given(values)
def test_compact_is_json_dumps_without_spaces(value: Any) -> None:
    assert compact(value) == json.dumps(value, separators=(",", ":"))


@given(st.text())
def test_quoted_is_json_dumps_of_a_text(text: str) -> None:
    assert quoted(text) == json.dumps(text)
