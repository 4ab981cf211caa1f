# heapsize: 64k
"""compat: the runtime differences, settled once."""

from microcosem import compat


def test_signed_conversions():
    assert compat.int_from_signed(b"\xff\xfe") == -2
    assert compat.int_from_signed(b"\x7f\xff") == 32767
    assert compat.int_from_signed(b"") == 0
    assert compat.int_to_signed(-2, 2) == b"\xff\xfe"
    assert compat.int_to_signed(-(1 << 63), 8) == b"\x80" + bytes(7)


def test_bit_length():
    for v, n in ((0, 0), (1, 1), (255, 8), (256, 9), (-5, 3), (1 << 200, 201)):
        assert compat.bit_length(v) == n


def test_ticks_move_forward():
    a = compat.ticks_ms()
    b = compat.ticks_add(a, 1500)
    assert compat.ticks_diff(b, a) == 1500
    assert compat.ticks_diff(compat.ticks_ms(), a) >= 0


def test_random_bytes():
    r = compat.random_bytes(16)
    assert len(r) == 16 and r != compat.random_bytes(16)


def test_const_is_identity():
    assert compat.const(7) == 7


def test_unix_time_counts_from_1970():
    import time
    from microcosem.compat import unix_time
    # after 2026-01-01 and before 2100 on every port, whatever its own epoch
    t = unix_time()
    assert 1767225600 < t < 4102444800, t
    assert abs((time.time() - t) % 946684800) < 5 or abs(time.time() - t) < 5
