"""Every COSEM class under random GET/SET/ACTION: only AccessError may come out,
and whatever an object answers (after any sequence of writes) still encodes."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "..", "firmware")]

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from microcosem import axdr  # noqa: E402
from microcosem.axdr import (ARRAY, BIT_STRING, BOOLEAN, DATE_TIME, DOUBLE_LONG_UNSIGNED,  # noqa: E402
                             ENUM, INTEGER, LONG, LONG_UNSIGNED, NULL_DATA, OCTET_STRING, STRUCTURE,
                             UNSIGNED, VISIBLE_STRING)
from microcosem.cosem import base  # noqa: E402
from microcosem.cosem.table import CLASSES, class_for  # noqa: E402
from microcosem.cosemdate import DateTime  # noqa: E402
from microcosem.errors import AccessError  # noqa: E402
from microcosem.server.config import AssociationConfig  # noqa: E402
from microcosem.server.model import ObjectModel  # noqa: E402
from microcosem.storage import MemoryStorage  # noqa: E402

_RANGES = {INTEGER: (-128, 127), LONG: (-32768, 32767), UNSIGNED: (0, 255), LONG_UNSIGNED: (0, 65535),
           ENUM: (0, 255), DOUBLE_LONG_UNSIGNED: (0, 0xFFFFFFFF), 5: (-2 ** 31, 2 ** 31 - 1)}

leaf = st.one_of(
    st.builds(lambda t, v: (t, v), st.sampled_from(sorted(_RANGES)), st.integers(-10, 300)).map(
        lambda tv: (tv[0], max(_RANGES[tv[0]][0], min(_RANGES[tv[0]][1], tv[1])))),
    st.binary(max_size=14).map(lambda b: (OCTET_STRING, b)),
    st.sampled_from([(NULL_DATA, None), (BOOLEAN, True), (BOOLEAN, False), (VISIBLE_STRING, "ab"),
                     (BIT_STRING, "0101"), (DATE_TIME, DateTime(2026, 1, 2, 5, 3, 4, 5, 0, 0, 0))]),
    st.integers(0, 2 ** 31).map(lambda s: (OCTET_STRING, DateTime.from_timestamp(s, 0, 0).to_bytes())),
)
data = st.recursive(leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(lambda x: (ARRAY, x)),
    st.lists(inner, max_size=5).map(lambda x: (STRUCTURE, x))), max_leaves=12)


def from_td(td):
    """Values of the type a class describes, with random contents."""
    if type(td) is int:
        if td in _RANGES:
            lo, hi = _RANGES[td]
            return st.integers(lo, hi).map(lambda v: (td, v))
        if td == OCTET_STRING:
            return st.one_of(st.binary(max_size=14), st.sampled_from([b"\x00" * 6, b"\x01\x00\x01\x08\x00\xff"])
                             ).map(lambda b: (OCTET_STRING, b))
        if td == base.DT:
            return st.one_of(st.binary(min_size=12, max_size=12),
                             st.integers(0, 2 ** 31).map(lambda s: DateTime.from_timestamp(s, 0, 0).to_bytes())
                             ).map(lambda b: (OCTET_STRING, b))
        if td == BOOLEAN:
            return st.booleans().map(lambda b: (BOOLEAN, b))
        if td == VISIBLE_STRING:
            return st.text("abc", max_size=5).map(lambda s: (VISIBLE_STRING, s))
        if td == BIT_STRING:
            return st.text("01", max_size=9).map(lambda s: (BIT_STRING, s))
        return data
    kind, sub = td
    if kind == base.CHOICE:
        return st.one_of([from_td(t) for t in sub])
    if kind == ARRAY:
        return st.lists(from_td(sub), max_size=3).map(lambda x: (ARRAY, x))
    return st.tuples(*[from_td(t) for t in sub]).map(lambda x: (STRUCTURE, list(x)))


class _Server:
    def __init__(self):
        self.ctx = None

    def context(self, sap):
        return self.ctx if sap == 16 else None

    def hls_reply(self, ctx, parameters):
        raise AccessError("no HLS pending", 3)


class _Ctx:
    def __init__(self, model):
        self.server = _Server()
        self.server.ctx = self
        self.model = model
        self.config = AssociationConfig(16)
        self.client_sap = 16
        self.status = 2
        self.conformance = self.config.conformance
        self.context = 1
        self.max_pdu = 1024
        self.client_system_title = b"CLIENT01"


def _objects():
    t = [1764000000]
    made = []
    for cid, module, name in CLASSES:
        cls = class_for(cid)
        if cid == 8:
            made.append(cls("0.0.1.0.0.255", time_source=lambda: t[0]))
        elif cid == 18:
            made.append(cls("0.0.44.0.0.255", MemoryStorage(), block_size=16, max_size=256))
        elif cid == 7:
            made.append(cls("1.0.99.1.0.255", capture_objects=((made[0], 2, 0), (made[1], 2, 0), (made[2], 3, 0)),
                            profile_entries=5))
        else:
            made.append(cls("0.0.%d.0.0.255" % cid))
    model = ObjectModel(made)
    for o in made:
        if hasattr(o, "model") and o.model is None:
            o.model = model
    return made, _Ctx(model), t


def _tick(objs, now):
    # what the firmware calls as time goes by: refusals are AccessError too
    clock = [o for o in objs if o.class_id == 8][0]
    for o in objs:
        if not hasattr(o, "tick"):
            continue
        try:
            if o.class_id in (22, 20):
                o.tick(clock)
            elif o.class_id in (7, 71):
                o.tick(now)
            else:
                o.tick()
        except AccessError:
            pass


def _encodes(v):
    out = bytearray()
    if type(v) is axdr.EncodedData:
        v.encode_into(out)
        axdr.decode(out)
    else:
        axdr.encode_data(out, v)


@st.composite
def operations(draw, obj):
    kind = draw(st.sampled_from("gsa"))
    if kind == "a":
        m = draw(st.integers(0, obj.METHOD_COUNT + 1))
        return kind, m, draw(st.one_of(st.none(), data))
    i = draw(st.integers(0, obj.ATTRIBUTE_COUNT + 1))
    if kind == "g":
        sel = draw(st.one_of(st.none(), st.tuples(st.integers(0, 3), data)))
        return kind, i, sel
    if 2 <= i <= obj.ATTRIBUTE_COUNT and draw(st.booleans()):
        return kind, i, draw(from_td(obj.TYPES[i - 2]))
    return kind, i, draw(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_operations_raise_only_access_error(draw):
    objs, ctx, t = _objects()
    for _ in range(8):
        obj = draw.draw(st.sampled_from(objs))
        kind, index, value = draw.draw(operations(obj))
        t[0] += draw.draw(st.integers(0, 4000))
        try:
            if kind == "g":
                _encodes(obj.get(index, value, ctx))
            elif kind == "s":
                obj.set(index, value, ctx)
            else:
                r = obj.action(index, value, ctx)
                if r is not None:
                    _encodes(r)
        except AccessError as e:
            assert type(e.result) is int and 0 < e.result <= 250
        _tick(objs, t[0])
    # whatever was written, every attribute still reads as something that encodes
    for obj in objs:
        for i in range(1, obj.ATTRIBUTE_COUNT + 1):
            try:
                _encodes(obj.get(i, None, ctx))
            except AccessError:
                pass
