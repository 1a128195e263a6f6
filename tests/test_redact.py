"""Masking secrets: whole values anywhere, short placeholders only as whole words."""

from __future__ import annotations

from driftcheck.redact import redact, redact_bytes, redact_data

KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def test_a_real_key_is_masked_anywhere_even_inside_a_word() -> None:
    assert redact(f"x{KEY}y and {KEY}", [KEY]) == "x***y and ***"


def test_a_short_placeholder_is_masked_only_as_a_whole_word() -> None:
    # DD_APP_KEY=name (a placeholder): ids and words holding it stay readable.
    text = "display_name: rename the name; name-space; name"
    assert redact(text, ["name"]) == "display_name: rename the ***; name-space; ***"


def test_values_too_short_to_be_keys_are_not_masked() -> None:
    assert redact("a b c ab abc", ["a", "ab", "abc"]) == "a b c ab abc"


def test_bytes_that_are_not_utf8_keep_their_other_bytes() -> None:
    assert redact_bytes(b"\xff" + KEY.encode() + b"\xfe", [KEY]) == b"\xff***\xfe"


def test_parsed_data_is_masked_in_keys_and_values() -> None:
    data = {"description": f"key {KEY}", KEY: [1, {"x": KEY}], "n": 3}
    assert redact_data(data, (KEY,)) == {"description": "key ***", "***": [1, {"x": "***"}], "n": 3}
