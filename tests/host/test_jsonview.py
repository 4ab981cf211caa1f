"""jsonview: the JSON forms of Data values, dates and APDU fields, and the way back."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from microcosem import axdr
from microcosem.apdu import decode_apdu
from microcosem.apdu.get import GetRequestNormal
from microcosem.axdr import (ARRAY, COMPACT_ARRAY, DATE, DATE_TIME, DOUBLE_LONG_UNSIGNED,
                             FLOAT32, FLOAT64, LONG_UNSIGNED, OCTET_STRING, STRUCTURE, TIME)
from microcosem.cosemdate import Date, DateTime, Time
from microcosem.errors import DecodeError, EncodeError
from microcosem_host.jsonview import (apdu_from_json, apdu_to_json, data_from_json, data_to_json,
                                      parse_stamp, stamp_text, td_from_json, td_to_json)

from test_axdr_props import compact_arrays, data as data_values, date_times


def through_json(v):
    """Data -> JSON text -> Data, as decode | encode does it."""
    return data_from_json(json.loads(json.dumps(data_to_json(v))))


def test_the_forms():
    assert data_to_json((DOUBLE_LONG_UNSIGNED, 123)) == {"double-long-unsigned": 123}
    assert data_to_json((OCTET_STRING, b"\x01\x02")) == {"octet-string": "0102"}
    assert data_to_json((STRUCTURE, [(LONG_UNSIGNED, 1), (ARRAY, [])])) == {
        "structure": [{"long-unsigned": 1}, {"array": []}]}
    assert data_to_json((FLOAT32, b"\x7f\xc0\x00\x01")) == {"float32": {"hex": "7FC00001"}}
    assert data_to_json((FLOAT64, float("-inf"))) == {"float64": {"hex": "FFF0000000000000"}}
    assert data_to_json((COMPACT_ARRAY, ((STRUCTURE, (LONG_UNSIGNED, (ARRAY, 2, 3))), []))) == {
        "compact-array": {"type": {"structure": ["long-unsigned",
                                                 {"array": {"count": 2, "type": "boolean"}}]},
                          "values": []}}
    # a date-time given as raw bytes is shown like a decoded one
    raw = DateTime(2026, 1, 2, 5, 3, 4, 5, 6, 0, 0).to_bytes()
    assert data_to_json((DATE_TIME, raw)) == {
        "date-time": "2026-01-02 Fri 03:04:05.06 dev=0 status=0x00"}


@pytest.mark.parametrize("text, value", [
    ("2026-11-25 Wed 14:30:00.00 dev=-60 status=0x80",
     DateTime(2026, 11, 25, 3, 14, 30, 0, 0, -60, 0x80)),
    ("****-**-** **:**:**", DateTime()),
    ("2026-254-253 weekday=8 00:00:**", DateTime(2026, 0xFE, 0xFD, 8, 0, 0, None)),
    ("0000-00-00 Sun 00:00:00.99 dev=-32767 status=0x00",
     DateTime(0, 0, 0, 7, 0, 0, 0, 99, -32767, 0)),
])
def test_date_time_text(text, value):
    assert stamp_text(value) == text
    assert parse_stamp(DateTime, text) == value


def test_date_and_time_text():
    assert stamp_text(Date(None, 12, 25, None)) == "****-12-25"
    assert stamp_text(Date(2026, 3, 0xFE, 7)) == "2026-03-254 Sun"
    assert stamp_text(Time(6, 0, 0, None)) == "06:00:00"
    assert parse_stamp(Date, "2026-3-1 Mon") == Date(2026, 3, 1, 1)
    assert parse_stamp(Time, "*:*:0.5") == Time(None, None, 0, 5)
    # order of the optional parts does not matter when written by hand
    assert parse_stamp(DateTime, "dev=60 2026-01-01 00:00:00 Thu") == DateTime(
        2026, 1, 1, 4, 0, 0, 0, None, 60, None)


@pytest.mark.parametrize("cls, text, why", [
    (DateTime, "2026-11-25", "the time part is missing"),
    (DateTime, "14:30:00", "the date part is missing"),
    (Date, "2026-11-25 10:00:00", "a date has no time part"),
    (Time, "10:00:00 dev=5", "a time has no dev part"),
    (DateTime, "2026-11-25 10:00:00 dev=x", "dev= takes minutes"),
    (DateTime, "2026-11-25 10:00:00 status=high", "status= takes a number"),
    (DateTime, "2026-11 10:00:00", "a date is YYYY-MM-DD"),
    (DateTime, "2026-11-25 10:00", "a time is hh:mm:ss[.cc]"),
    (DateTime, "2026-11-25 10:00:00 10:00:00", "two time parts"),
    (DateTime, "2026-11-2x 10:00:00", "'2x' is neither a number nor *"),
    (DateTime, "2026-13-25 10:00:00 dev=40000", "deviation out of range"),
    (Date, "2026-300-25", "date field out of range: 300"),
    (Date, "2026-01-01 tomorrow", "cannot read 'tomorrow'"),
])
def test_date_time_text_errors(cls, text, why):
    with pytest.raises(EncodeError) as e:
        parse_stamp(cls, text, "x")
    assert str(e.value).startswith("x: %r: " % text) and why in str(e.value), str(e.value)


def test_type_descriptions():
    for td in (LONG_UNSIGNED, (ARRAY, 0, OCTET_STRING), (STRUCTURE, (DATE, TIME, (ARRAY, 3, 3)))):
        assert td_from_json(json.loads(json.dumps(td_to_json(td)))) == td
    with pytest.raises(EncodeError, match="structure takes a description"):
        td_from_json("structure")
    with pytest.raises(EncodeError, match=r"t.array.count: 70000 is not in 0..65535"):
        td_from_json({"array": {"count": 70000, "type": "boolean"}}, "t")


@settings(max_examples=200, deadline=None)
@given(st.one_of(data_values, compact_arrays))
def test_every_data_value_survives_json(value):
    b = axdr.encode(value)
    assert axdr.encode(through_json(axdr.decode(b))) == b


@settings(max_examples=300, deadline=None)
@given(date_times)
def test_every_date_time_survives_its_text(dt):
    assert parse_stamp(DateTime, stamp_text(dt)).to_bytes() == dt.to_bytes()


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=40))
def test_whatever_decodes_has_a_json_form(b):
    try:
        v = axdr.decode(b)
    except DecodeError:
        return
    c = axdr.encode(v)  # the canonical bytes of what was read
    assert axdr.encode(through_json(axdr.decode(c))) == c


@settings(max_examples=800, deadline=None)
@given(st.sampled_from([0x01, 0x05, 0x06, 0x08, 0x0C, 0x0D, 0x0E, 0x0F, 0x16, 0x18, 0x60,
                        0x61, 0x62, 0x63, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC7, 0xD8]),
       st.integers(1, 6), st.binary(max_size=40))
def test_whatever_apdu_decodes_has_a_json_form(tag, choice, rest):
    b = bytes([tag, choice]) + rest
    try:
        apdu = decode_apdu(b)
    except DecodeError:
        return
    j = json.loads(json.dumps(apdu_to_json(apdu)))
    again = apdu_from_json(j)
    assert apdu_to_json(decode_apdu(again.to_bytes())) == j


def test_apdu_from_json_builds_the_class():
    j = {"apdu": "GetRequestNormal",
         "invoke_id_and_priority": {"invoke_id": 3, "confirmed": True, "high_priority": False},
         "attribute_descriptor": {"class_id": 3, "instance_id": "1-0:1.8.0", "attribute_id": 2},
         "access_selection": {"access_selector": 1, "access_parameters": {"null-data": None}}}
    a = apdu_from_json(j)
    assert a == GetRequestNormal(invoke_id_and_priority=0x43,
                                 attribute_descriptor=(3, bytes([1, 0, 1, 8, 0, 255]), 2),
                                 access_selection=(1, (0, None)))
    # six bytes of hex are an instance id too, as traces print them
    j["attribute_descriptor"]["instance_id"] = "0100010800FF"
    assert apdu_from_json(j) == a
    j["invoke_id_and_priority"]["reserved"] = 2
    assert apdu_from_json(j).invoke_id_and_priority == 0x63
    assert apdu_to_json(apdu_from_json(j))["invoke_id_and_priority"]["reserved"] == 2


def test_paths_in_errors():
    with pytest.raises(EncodeError) as e:
        data_from_json({"structure": [{"compact-array": {"type": "long", "values": [
            {"long": 1}, {"long": 1.5}]}}]}, "v")
    assert str(e.value) == ("v.structure[0].compact-array.values[1].long: expected an integer, "
                            "not a number")
    with pytest.raises(EncodeError) as e:  # the description and the values disagree
        data_from_json({"compact-array": {"type": "long", "values": [{"unsigned": 1}]}})
    assert str(e.value).startswith("compact-array: compact-array element unsigned where long")
    with pytest.raises(EncodeError, match=r"^bit-string: a bit-string is a text of 0 and 1$"):
        data_from_json({"bit-string": "0120"})
    with pytest.raises(EncodeError, match=r"^octet-string: 'xyz' is not hex$"):
        data_from_json({"octet-string": "xyz"})
    with pytest.raises(EncodeError, match=r"^visible-string: visible-string is ASCII only"):
        data_from_json({"visible-string": "\u00e9"})
    with pytest.raises(EncodeError, match=r"^float32: float32 takes 4 raw bytes$"):
        data_from_json({"float32": {"hex": "00"}})
    with pytest.raises(EncodeError, match=r"^null-data: expected null, not an integer$"):
        data_from_json({"null-data": 0})
    with pytest.raises(EncodeError, match=r"^boolean: expected true or false, not an integer$"):
        data_from_json({"boolean": 1})
    with pytest.raises(EncodeError, match=r"^float64: 1000+ is too large for a float$"):
        data_from_json({"float64": 10 ** 400})
    deep = {"unsigned": 1}
    for _ in range(40):
        deep = {"array": [deep]}
    with pytest.raises(EncodeError, match=r"^(array\[0\]\.){16}array: data nested deeper than 16$"):
        data_from_json(deep)


# Any JSON value in any place: reading it raises EncodeError or gives an APDU, nothing else.

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2 ** 70, 2 ** 70), st.floats(),
              st.text(max_size=12), st.sampled_from(["0102", "success", "1.0.1.8.0.255",
                                                     "2026-01-01 00:00:00", "get", "E6"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=12)


def _places(j, path=()):
    """Every place in a JSON tree, as a path of keys and indexes."""
    yield path
    if isinstance(j, dict):
        for k, v in j.items():
            yield from _places(v, path + (k,))
    elif isinstance(j, list):
        for i, v in enumerate(j):
            yield from _places(v, path + (i,))


def _replaced(j, path, new):
    if not path:
        return new
    j = json.loads(json.dumps(j))
    at = j
    for k in path[:-1]:
        at = at[k]
    at[path[-1]] = new
    return j


def _samples():
    import os
    import sys
    sys.path.insert(0, os.path.dirname(__file__))
    from cli_samples import SAMPLES
    return [apdu_to_json(a) for a in SAMPLES]


SAMPLE_VIEWS = _samples()


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(range(len(SAMPLE_VIEWS))), st.integers(0, 10 ** 6), json_values)
def test_any_json_in_any_place_is_read_or_refused(which, where, new):
    view = SAMPLE_VIEWS[which]
    places = list(_places(view))
    j = _replaced(view, places[where % len(places)], new)
    try:
        apdu = apdu_from_json(j)
    except EncodeError as e:
        assert "\n" not in str(e)
        return
    apdu.to_bytes()


def test_a_field_the_tables_do_not_know_still_shows(monkeypatch):
    from microcosem.apdu.get import GetRequestNext
    from microcosem_host import jsonview

    # as if GetRequestNext had grown a field this view has no form for
    monkeypatch.setattr(jsonview, "_FIELD_KINDS", dict(jsonview._FIELD_KINDS))
    del jsonview._FIELD_KINDS["block_number"]
    a = GetRequestNext(invoke_id_and_priority=0xC1, block_number=7)
    j = apdu_to_json(a)
    assert j["block_number"] == 7
    assert apdu_from_json(j) == a
    # a field of codes the class names (its NAMES table) shows them by name
    from microcosem.apdu.set import SetResponseNormal

    monkeypatch.setattr(SetResponseNormal, "NAMES", (("result", ((4, "object-undefined"),)),),
                        raising=False)
    monkeypatch.setattr(jsonview, "_CLASS_FIELD_KINDS", {})
    r = SetResponseNormal(invoke_id_and_priority=0xC1, result=4)
    j = apdu_to_json(r)
    assert j["result"] == "object-undefined"
    assert apdu_from_json(j) == r
    assert apdu_from_json(dict(j, result=250)).result == 250
    g = jsonview._GENERIC
    for v in (None, True, 5, b"\x01", "abc", [1, b"\x02", ["x"]]):
        back = g.from_json(json.loads(json.dumps(g.to_json(v, None))), "f", None)
        assert back == v or (isinstance(v, list) and back == [1, b"\x02", ["x"]])
