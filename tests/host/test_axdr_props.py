"""Property tests of the A-XDR codec (CPython only: hypothesis)."""

import datetime
import struct

from hypothesis import given, settings, strategies as st

from microcosem import axdr
from microcosem.axdr import (ARRAY, BIT_STRING, BOOLEAN, COMPACT_ARRAY, DATE, DATE_TIME, DONT_CARE,
                             FLOAT32, FLOAT64, NULL_DATA, OCTET_STRING, STRUCTURE, TIME, UTF8_STRING,
                             VISIBLE_STRING)
from microcosem.cosemdate import Date, DateTime, Time
from microcosem.errors import DecodeError

_RANGES = {5: (-2**31, 2**31 - 1), 6: (0, 2**32 - 1), 13: (0, 255), 15: (-128, 127), 16: (-2**15, 2**15 - 1),
           17: (0, 255), 18: (0, 2**16 - 1), 20: (-2**63, 2**63 - 1), 21: (0, 2**64 - 1), 22: (0, 255)}

byte_or_none = st.one_of(st.none(), st.integers(0, 254))
dates = st.builds(Date, st.one_of(st.none(), st.integers(0, 0xFFFE)), byte_or_none, byte_or_none, byte_or_none)
times = st.builds(Time, byte_or_none, byte_or_none, byte_or_none, byte_or_none)
date_times = st.builds(DateTime, st.one_of(st.none(), st.integers(0, 0xFFFE)), byte_or_none, byte_or_none,
                       byte_or_none, byte_or_none, byte_or_none, byte_or_none, byte_or_none,
                       st.one_of(st.none(), st.integers(-0x7FFF, 0x7FFF)), byte_or_none)


def _number(tag):
    lo, hi = _RANGES[tag]
    return st.integers(lo, hi).map(lambda v: (tag, v))


leaves = st.one_of(
    [_number(t) for t in _RANGES]
    + [st.just((NULL_DATA, None)), st.just((DONT_CARE, None)), st.booleans().map(lambda v: (BOOLEAN, v)),
       st.text("01", max_size=40).map(lambda v: (BIT_STRING, v)),
       st.binary(max_size=300).map(lambda v: (OCTET_STRING, v)),
       st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=20).map(lambda v: (VISIBLE_STRING, v)),
       st.text(max_size=20).map(lambda v: (UTF8_STRING, v)),
       st.floats(width=32, allow_nan=False).map(lambda v: (FLOAT32, v)),
       st.floats(allow_nan=False).map(lambda v: (FLOAT64, v)),
       st.binary(min_size=4, max_size=4).map(lambda v: (FLOAT32, v)),
       dates.map(lambda v: (DATE, v)), times.map(lambda v: (TIME, v)), date_times.map(lambda v: (DATE_TIME, v))])

data = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=6).map(lambda v: (ARRAY, v)),
    st.lists(inner, max_size=6).map(lambda v: (STRUCTURE, v))), max_leaves=40)

# compact arrays: a description, then values that follow it
simple_tds = st.sampled_from(sorted(_RANGES) + [OCTET_STRING, BOOLEAN, VISIBLE_STRING, DATE_TIME])
tds = st.recursive(simple_tds, lambda inner: st.one_of(
    st.tuples(st.just(ARRAY), st.integers(0, 3), inner),
    st.lists(inner, min_size=1, max_size=4).map(lambda v: (STRUCTURE, tuple(v)))), max_leaves=8)


def _value_for(td):
    if isinstance(td, int):
        if td in _RANGES:
            return _number(td)
        return {OCTET_STRING: st.binary(max_size=8).map(lambda v: (OCTET_STRING, v)),
                BOOLEAN: st.booleans().map(lambda v: (BOOLEAN, v)),
                VISIBLE_STRING: st.text("abcXYZ ", max_size=8).map(lambda v: (VISIBLE_STRING, v)),
                DATE_TIME: date_times.map(lambda v: (DATE_TIME, v))}[td]
    if td[0] == ARRAY:
        return st.lists(_value_for(td[2]), min_size=td[1], max_size=td[1]).map(lambda v: (ARRAY, v))
    return st.tuples(*[_value_for(sub) for sub in td[1]]).map(lambda v: (STRUCTURE, list(v)))


def _sized(td):
    # elements that take no bytes cannot be counted, so the codec refuses them
    return not axdr._empty_td(td)


compact_arrays = tds.filter(_sized).flatmap(
    lambda td: st.lists(_value_for(td), max_size=5).map(lambda items: (COMPACT_ARRAY, (td, items))))


@settings(max_examples=400, deadline=None)
@given(st.one_of(data, compact_arrays))
def test_encode_decode_round_trip(value):
    b = axdr.encode(value)
    back = axdr.decode(b)
    assert axdr.encode(back) == b
    if not _has_float(value):
        assert back == value


def _has_float(v):
    tag, x = v
    if tag in (FLOAT32, FLOAT64):
        return True
    if tag in (ARRAY, STRUCTURE):
        return any(_has_float(i) for i in x)
    if tag == COMPACT_ARRAY:
        return any(_has_float(i) for i in x[1])
    return False


@settings(max_examples=3000, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_raise_only_decode_error(b):
    try:
        v = axdr.decode(b)
    except DecodeError as e:
        assert e.offset is None or 0 <= e.offset <= len(b)
        return
    # what decodes re-encodes to something that decodes the same way
    again = axdr.encode(v)
    assert axdr.encode(axdr.decode(again)) == again


@settings(max_examples=1000, deadline=None)
@given(data, st.data())
def test_mutated_encodings_raise_only_decode_error(value, draw):
    b = bytearray(axdr.encode(value))
    if b:
        i = draw.draw(st.integers(0, len(b) - 1))
        b[i] = draw.draw(st.integers(0, 255))
        cut = draw.draw(st.integers(0, len(b)))
        b = b[:cut]
    try:
        axdr.decode(bytes(b))
    except DecodeError:
        pass


@given(st.integers(0, 2**32), st.integers(-720, 720))
def test_timestamps_agree_with_datetime(ts, deviation):
    dt = DateTime.from_timestamp(ts, deviation, 0)
    local = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc) - datetime.timedelta(minutes=deviation)
    assert (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second) == (
        local.year, local.month, local.day, local.hour, local.minute, local.second)
    assert dt.weekday == local.isoweekday()
    assert dt.to_timestamp() == ts


def test_struct_ranges_match_the_codec():
    # the encoder's own range table is what refuses; CPython's struct agrees on the edges
    for tag, (lo, hi) in _RANGES.items():
        assert axdr.decode(axdr.encode((tag, lo))) == (tag, lo)
        assert axdr.decode(axdr.encode((tag, hi))) == (tag, hi)
    assert struct.pack(">f", 1.5) == axdr.encode((FLOAT32, 1.5))[1:]
