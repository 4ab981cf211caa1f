# heapsize: 128k
# (code: axdr, storage and the cosem base, table, register, clock, profile and association
# modules take ~95k of the 64-bit unix heap)
"""The declarative table: one list turned into a meter's objects."""

from checks import raises
from microcosem import axdr
from microcosem.axdr import DOUBLE_LONG_UNSIGNED, INTEGER, LONG, OCTET_STRING, STRUCTURE, ENUM
from microcosem.cosem.table import build, class_for, make

T = [1764000000]
WH = [42]

TABLE = (
    (8, "0.0.1.0.0.255", {"time_source": lambda: T[0], "time_zone": (LONG, -60)}, 0x2000),
    (1, "0.0.96.1.0.255", {"value": (OCTET_STRING, b"MCS0001")}, 0x2100),
    (3, "1.0.1.8.0.255", (("value", lambda: (DOUBLE_LONG_UNSIGNED, WH[0])), ("scaler_unit", (-1, 30))), 0x2200),
    (4, "1.0.1.6.0.255", {"clock": "0.0.1.0.0.255"}),
    (7, "1.0.99.1.0.255", {"capture_objects": (("0.0.1.0.0.255", 2), ("1.0.1.8.0.255", 2, 0)),
                           "capture_period": (DOUBLE_LONG_UNSIGNED, 900), "profile_entries": 4}, 0x2300),
    (15, "0.0.40.0.0.255", None),
)


def test_build_a_meter_from_the_table():
    objs = build(TABLE)
    assert [o.class_id for o in objs] == [8, 1, 3, 4, 7, 15]
    clock, data, energy, ext, lp, aln = objs
    assert clock.short_name == 0x2000 and ext.short_name is None
    assert data.get(2, None, None) == (OCTET_STRING, b"MCS0001")
    assert energy.get(3, None, None) == (STRUCTURE, ((INTEGER, -1), (ENUM, 30)))
    WH[0] = 77
    assert energy.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 77)
    assert ext.clock is clock
    lp.action(2, None, None)
    out = bytearray()
    lp.get(2, None, None).encode_into(out)
    row = axdr.decode(out)[1][0][1]
    assert row[0][1] == clock.get(2, None, None)[1] and row[1] == (DOUBLE_LONG_UNSIGNED, 77)
    assert aln.logical_name == b"\x00\x00\x28\x00\x00\xff"


def test_table_errors():
    raises(ValueError, build, ((250, "0.0.1.0.0.255", None),))
    raises(ValueError, build, ((7, "1.0.99.1.0.255", {"capture_objects": (("1.0.1.8.0.255", 2),)}),))
    raises(TypeError, build, ((3, "1.0.1.8.0.255", {"valu": (INTEGER, 1)}),))


def test_class_registry():
    assert class_for(3).__name__ == "Register"
    assert class_for(999) is None
    assert make(3, "1.0.1.8.0.255").get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 0)
    assert make(8, "0.0.1.0.0.255") is None   # a clock needs its time source

