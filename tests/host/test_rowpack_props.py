"""The uniform-rows fast path (microcosem.rowpack) against the general codec:
same bytes, same values, same refusals, for random shapes and random damage."""

from hypothesis import given, settings, strategies as st

from microcosem import axdr, rowpack
from microcosem.errors import DecodeError, EncodeError

INT_TAGS = sorted(rowpack._CODES)


def column():
    ints = st.sampled_from(INT_TAGS).map(lambda t: (t, None))
    octets = st.integers(0, 20).map(lambda n: (axdr.OCTET_STRING, n))
    return st.one_of(ints, octets)


def value_for(tag, n):
    if tag == axdr.OCTET_STRING:
        return st.binary(min_size=n, max_size=n)
    _, _, lo, hi = rowpack._CODES[tag]
    return st.integers(lo, hi)


@st.composite
def uniform_array(draw):
    shape = draw(st.lists(column(), min_size=1, max_size=6))
    n = draw(st.integers(rowpack.MIN_ROWS, 40))
    rows = []
    for _ in range(n):
        rows.append((axdr.STRUCTURE, [(t, draw(value_for(t, k))) for t, k in shape]))
    return (axdr.ARRAY, rows)


def general(fn, *args):
    saved = axdr._rowpack
    axdr._rowpack = None
    try:
        return fn(*args)
    finally:
        axdr._rowpack = saved


def outcome(fn, *args):
    try:
        return fn(*args)
    except (DecodeError, EncodeError) as e:
        return type(e).__name__, e.offset if isinstance(e, DecodeError) else None


@settings(max_examples=200, deadline=None)
@given(uniform_array())
def test_fast_and_general_agree(value):
    assert axdr._rowpack is rowpack
    b = axdr.encode(value)
    assert b == general(axdr.encode, value)
    assert axdr.decode(b) == value == general(axdr.decode, b)


@settings(max_examples=300, deadline=None)
@given(uniform_array(), st.data())
def test_damaged_bytes_decode_alike(value, data):
    b = bytearray(axdr.encode(value))
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(b) - 1))
        b[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(b)))
    for damaged in (bytes(b), bytes(b[:cut])):
        assert outcome(axdr.decode, damaged) == general(outcome, axdr.decode, damaged)


@settings(max_examples=200, deadline=None)
@given(uniform_array(), st.data())
def test_one_odd_value_encodes_alike(value, data):
    rows = value[1]
    r = data.draw(st.integers(0, len(rows) - 1))
    c = data.draw(st.integers(0, len(rows[r][1]) - 1))
    odd = data.draw(st.one_of(st.integers(-(1 << 65), 1 << 65), st.booleans(), st.floats(),
                              st.binary(max_size=3), st.text(max_size=2), st.none()))
    items = list(rows[r][1])
    items[c] = (items[c][0], odd)
    rows[r] = (axdr.STRUCTURE, items)
    assert outcome(axdr.encode, value) == general(outcome, axdr.encode, value)
