"""The class tables of every COSEM interface class, checked together (CPython:
loading all the class modules at once takes more than a test heap)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "firmware"))

from microcosem.cosem.table import CLASSES, class_for  # noqa: E402

# (class id, version, attributes, methods, SN offset of method 1), IEC 62056-6-2 class tables
EXPECTED = (
    (1, 0, 2, 0, None), (3, 0, 3, 1, 0x28), (4, 0, 5, 1, 0x38), (5, 0, 9, 2, 0x48),
    (6, 0, 4, 3, 0x30), (7, 1, 8, 2, 0x58), (8, 0, 9, 6, 0x60), (9, 0, 2, 1, 0x20),
    (11, 0, 2, 2, 0x10), (12, 2, 4, 8, 0x20), (15, 2, 11, 6, 0x60), (17, 0, 2, 1, 0x20),
    (18, 0, 7, 4, 0x40), (19, 1, 9, 0, None), (20, 0, 10, 1, 0x50), (21, 0, 4, 0, None),
    (22, 0, 4, 0, None), (23, 1, 9, 0, None), (40, 0, 7, 1, 0x38), (41, 0, 6, 0, None),
    (42, 0, 10, 3, 0x60), (64, 1, 6, 8, 0x30), (70, 0, 4, 2, 0x20), (71, 0, 11, 0, None),
)


def test_every_class_matches_the_class_table():
    assert len(CLASSES) == len(EXPECTED)
    for cid, version, attrs, methods, offset in EXPECTED:
        cls = class_for(cid)
        assert cls is not None and cls.class_id == cid
        assert (cls.version, cls.ATTRIBUTE_COUNT, cls.METHOD_COUNT) == (version, attrs, methods), cls
        if offset is not None:
            assert cls.SN_METHOD_OFFSET == offset, cls
            # the engine's find_sn looks at attributes first: methods must come after them
            assert cls.SN_METHOD_OFFSET >= 8 * cls.ATTRIBUTE_COUNT, cls
        assert len(cls.ATTRS) == len(cls.TYPES) == attrs - 1, cls
        for bit in range(attrs + 1, 16):
            assert not cls.READ_ONLY & (1 << bit) and not cls.WRITE_ONLY & (1 << bit), cls


def test_gurux_agrees_on_counts_and_offsets():
    from gurux_dlms.GXDLMS import GXDLMS
    from gurux_dlms.enums import ObjectType
    # Gurux's table of first method offsets (the Python port loses the branches after
    # Clock and Profile generic, so only the classes it keeps apart are compared)
    for ot, cid in ((ObjectType.IMAGE_TRANSFER, 18), (ObjectType.ACTIVITY_CALENDAR, 20),
                    (ObjectType.ASSOCIATION_LOGICAL_NAME, 15), (ObjectType.ASSOCIATION_SHORT_NAME, 12),
                    (ObjectType.IP4_SETUP, 42), (ObjectType.SCRIPT_TABLE, 9),
                    (ObjectType.SPECIAL_DAYS_TABLE, 10 + 1), (ObjectType.SECURITY_SETUP, 64),
                    (ObjectType.DISCONNECT_CONTROL, 70), (ObjectType.PUSH_SETUP, 40)):
        value, count = [0], [0]
        GXDLMS.getActionInfo(ot, value, count)
        assert class_for(cid).SN_METHOD_OFFSET == value[0], cid


def test_the_table_example_in_the_docstring_runs():
    import microcosem.cosem.table as table
    doc = table.__doc__
    block = doc[doc.index("    from microcosem.axdr"):doc.index("\n\nConveniences")]
    code = "\n".join(line[4:] for line in block.splitlines())

    class Rtc:
        def seconds(self):
            return 1764000000

    class Meter:
        import_wh = 1234

        def clear(self):
            self.import_wh = 0

    env = {"rtc": Rtc(), "meter": Meter()}
    exec(code, env)
    model = env["model"]
    assert len(model) == 5
    lp = model.find(7, b"\x01\x00\x63\x01\x00\xff")
    lp.action(2, None, None)
    assert lp.get(7, None, None) == (6, 1)
    assert model.find(3, b"\x01\x00\x01\x08\x00\xff").get(2, None, None) == (6, 1234)
