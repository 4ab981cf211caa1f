# heapsize: 32k
"""CRC-16/X.25, the HDLC FCS: published check value and frames seen on the wire."""

from checks import unhex

from microcosem.profiles.crc16 import GOOD_RESIDUE, INITIAL, crc16, crc16_update, crc16_update_py


def _bitwise(data):
    # The textbook definition, one bit at a time, as an independent reference.
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def test_check_value():
    # The catalogue check value of CRC-16/X.25 (a.k.a. CRC-16/IBM-SDLC).
    assert crc16(b"123456789") == 0x906E


def test_empty_and_zero():
    assert crc16(b"") == 0x0000
    assert crc16(b"\x00") == _bitwise(b"\x00")


def test_matches_bitwise_reference():
    data = bytes(range(256)) + b"\x7e\xff\x00" * 7
    for n in (1, 2, 3, 17, 128, len(data)):
        assert crc16(data[:n]) == _bitwise(data[:n])


def test_snrm_fcs():
    # 7E A0 07 03 21 93 0F 01 7E: the FCS 0x010F goes low byte first.
    assert crc16(unhex("A0 07 03 21 93")) == 0x010F


def test_residue_over_frame_with_its_fcs():
    assert crc16_update(INITIAL, unhex("A0 07 03 21 93 0F 01")) == GOOD_RESIDUE


def test_offsets_and_memoryview():
    data = bytearray(b"xx123456789yy")
    assert crc16(data, 2, 11) == 0x906E
    assert crc16(memoryview(data)[2:11]) == 0x906E


def test_incremental():
    a = crc16_update(INITIAL, b"1234")
    assert crc16_update(a, b"56789") ^ 0xFFFF == 0x906E


def test_table_loop_and_fast_path_agree():
    # On CPython crc16_update runs binascii.crc_hqx on mirrored bits; the
    # table loop every board runs must give the same register, from any
    # starting value and over any slice.
    data = bytearray(range(256)) + b"\x7e" * 9
    for init in (INITIAL, GOOD_RESIDUE, 0x0000, 0x1234):
        for start, end in ((0, None), (3, 3), (1, 200), (100, 265)):
            assert crc16_update(init, data, start, end) == crc16_update_py(init, data, start, end)
    assert crc16_update_py(INITIAL, b"123456789") ^ 0xFFFF == 0x906E
