# heapsize: 64k
"""HDLC frame format type 3 (IEC 62056-46): frames checked byte by byte."""

from checks import raises, unhex

from microcosem.errors import DecodeError, EncodeError, IncompleteData
from microcosem.profiles import hdlc_frame as hf
from microcosem.profiles.hdlc_frame import (
    DISC, DM, FRMR, I, PF, RNR, RR, SNRM, UA, UI, HdlcFrame, client_address,
    decode_address_field, decode_frame, decode_parameters, encode_address,
    encode_frame, encode_parameters, frame_kind, server_address, split_server_address)

SNRM_FRAME = unhex("7E A0 07 03 21 93 0F 01 7E")
# AARQ, no authentication, from a published trace: public client (0x21)
# to server upper address 1 (0x03), control 10 = I, N(S)=0 N(R)=0, P.
AARQ_FRAME = unhex(
    "7E A0 2B 03 21 10 FB AF E6 E6 00 60 1D A1 09 06 07 60 85 74 05 08 01 01"
    " BE 10 04 0E 01 00 00 00 06 5F 1F 04 00 00 18 1D FF FF 5F AF 7E")
AARQ = unhex("60 1D A1 09 06 07 60 85 74 05 08 01 01 BE 10 04 0E 01 00 00 00 06 5F 1F"
             " 04 00 00 18 1D FF FF")
# UA from a Kamstrup meter: max info tx 512, rx 512, windows 1.
UA_FRAME = unhex("7E A0 20 21 03 73 73 98 81 80 14 05 02 02 00 06 02 02 00"
                 " 07 04 00 00 00 01 08 04 00 00 00 01 6F EF 7E")
UA_FRAME_2 = unhex("7E A0 20 21 03 73 73 98 81 80 14 05 02 02 00 06 02 00 80"
                   " 07 04 00 00 00 01 08 04 00 00 00 01 19 D4 7E")


def _enc(control, dst, src, info=None, segmented=False):
    out = bytearray()
    encode_frame(out, control, dst, src, info, segmented=segmented)
    return bytes(out)


def test_snrm_encode():
    assert _enc(SNRM | PF, server_address(1), client_address(0x10)) == SNRM_FRAME


def test_snrm_decode():
    f = decode_frame(SNRM_FRAME)
    assert (f.kind, f.pf, f.segmented, f.has_info) == (SNRM, True, False, False)
    assert (f.dst, f.dst_size, f.src, f.src_size) == (1, 1, 0x10, 1)
    assert (f.start, f.end) == (0, 8)


def test_aarq_i_frame_decode_and_encode():
    f = decode_frame(AARQ_FRAME)
    assert (f.kind, f.ns, f.nr, f.pf) == (I, 0, 0, True)
    assert bytes(f.info()) == b"\xe6\xe6\x00" + AARQ
    assert _enc(0x10, server_address(1), client_address(0x10), b"\xe6\xe6\x00" + AARQ) == AARQ_FRAME


def test_ua_with_parameters():
    f = decode_frame(UA_FRAME)
    assert (f.kind, f.pf, f.dst, f.src) == (UA, True, 0x10, 1)
    assert decode_parameters(f.buf, f.info_start, f.info_end) == (512, 512, 1, 1)
    f = decode_frame(UA_FRAME_2)
    # 06 02 00 80: a two-byte encoding of 128 is accepted too.
    assert decode_parameters(f.buf, f.info_start, f.info_end) == (512, 128, 1, 1)
    # ... and our own encoding of the same values rebuilds the first frame.
    info = encode_parameters(bytearray(), 512, 512, 1, 1)
    assert _enc(UA | PF, client_address(0x10), server_address(1), info) == UA_FRAME


def test_parameters_layout():
    assert bytes(encode_parameters(bytearray(), 128, 128, 1, 1)) == unhex(
        "81 80 12 05 01 80 06 01 80 07 04 00 00 00 01 08 04 00 00 00 01")
    assert bytes(encode_parameters(bytearray(), 1024, 0xFF, 7, 3)) == unhex(
        "81 80 13 05 02 04 00 06 01 FF 07 04 00 00 00 07 08 04 00 00 00 03")
    assert decode_parameters(b"") == (128, 128, 1, 1)
    # Absent parameters keep their defaults; one-byte windows are accepted.
    assert decode_parameters(unhex("81 80 07 06 02 01 00 07 01 04")) == (128, 256, 4, 1)
    # Unknown parameter ids are skipped.
    assert decode_parameters(unhex("81 80 06 0A 01 99 05 01 40")) == (64, 128, 1, 1)


def test_parameters_malformed():
    for bad in ("82 80 00", "81 80 05 05 01", "81 80 03 05 02 01", "81 80 02 05 00",
                "81 80 06 05 05 00 00 00 00", "81"):
        raises(DecodeError, decode_parameters, unhex(bad))


def test_rr_rnr_disc_ua_dm_frmr_ui_controls():
    dst, src = server_address(1, 0x11), client_address(0x10)
    assert _enc(RR | PF | (3 << 5), dst, src)[6] == 0x71
    assert _enc(RNR | PF | (2 << 5), dst, src)[6] == 0x55
    for control, kind in ((0x71, RR), (0x55, RNR), (0x53, DISC), (0x73, UA), (0x1F, DM),
                          (0x97, FRMR), (0x13, UI), (0x03, UI), (0x54, I), (0x93, SNRM)):
        assert frame_kind(control) == kind, hex(control)
    f = decode_frame(_enc(RR | PF | (5 << 5), dst, src))
    assert (f.kind, f.nr, f.pf, f.dst, f.dst_size) == (RR, 5, True, (1 << 7) | 0x11, 2)


def test_rr_frame_bytes():
    # RR, N(R)=1, P, to a two-byte server address 1/17: checked by hand,
    # FCS computed by crc16 (itself checked against the catalogue value).
    f = _enc(RR | PF | (1 << 5), server_address(1, 0x11), client_address(0x10))
    assert f[:7] == unhex("7E A0 08 02 23 21 31")
    assert len(f) == 10 and f[-1] == 0x7E


def test_addresses():
    assert encode_address(0x10, 1) == b"\x21"
    assert server_address(1) == b"\x03"
    assert server_address(1, 0x11) == unhex("02 23")
    assert server_address(1, 0x11, 4) == unhex("00 02 00 23")
    assert server_address(0x3FFF, 0x3FFF) == unhex("FE FE FE FF")
    assert server_address(0x7F, 0x7F) == unhex("FE FF")
    assert split_server_address((1 << 7) | 0x11, 2) == (1, 0x11)
    assert split_server_address((0x123 << 14) | 0x456, 4) == (0x123, 0x456)
    assert split_server_address(5, 1) == (5, None)
    assert decode_address_field(unhex("00 02 00 23")) == ((1 << 14) | 0x11, 4)
    raises(DecodeError, decode_address_field, unhex("00 02 01"))
    raises(EncodeError, encode_address, 0x80, 1)
    raises(EncodeError, encode_address, 1, 3)
    raises(EncodeError, server_address, 0x80, 1, 2)


def test_four_byte_address_round_trip():
    dst = server_address(0x1234 & 0x3FFF, 0x2ABC)
    f = decode_frame(_enc(UI, dst, client_address(0x7F), b"hello"))
    assert (f.dst_size, split_server_address(f.dst, f.dst_size)) == (4, (0x1234, 0x2ABC))
    assert (f.src, bytes(f.info())) == (0x7F, b"hello")


def test_segmented_bit_and_long_length():
    info = bytes(range(256)) * 4  # 1024 bytes: the length needs the 3 high bits
    f = _enc(0x32, server_address(1, 0x11), client_address(0x10), info, segmented=True)
    assert f[1] == 0xA8 | ((len(f) - 2) >> 8) and f[2] == (len(f) - 2) & 0xFF
    g = decode_frame(f)
    assert g.segmented and bytes(g.info()) == info and (g.ns, g.nr) == (1, 1)


def test_decode_at_offset_and_shared_flag():
    ua = _enc(UA | PF, client_address(0x10), server_address(1))
    # Two frames sharing one flag: the closing flag opens the next frame.
    stream = b"\x00\x01" + SNRM_FRAME + ua[1:]
    f = decode_frame(stream, 2)
    assert f.kind == SNRM and f.end == 10
    g = decode_frame(stream, f.end, len(stream), HdlcFrame())
    assert g.kind == UA


def test_incomplete():
    for n in range(1, len(AARQ_FRAME)):
        e = raises(IncompleteData, decode_frame, AARQ_FRAME, 0, n)
        assert e.offset == 0


def test_bad_frames():
    def bad(frame):
        raises(DecodeError, decode_frame, frame)
    bad(b"\x00" + SNRM_FRAME[1:])                   # no opening flag
    bad(SNRM_FRAME[:1] + b"\xB0" + SNRM_FRAME[2:])  # format type 0xB
    bad(SNRM_FRAME[:-1] + b"\x00")                  # no closing flag
    bad(unhex("7E A0 05 03 21 93 7E"))              # length below the minimum
    bad(unhex("7E A0 07 02 21 93 0F 01 7E"))        # address runs on into control
    for i in range(1, len(AARQ_FRAME) - 1):         # every single-bit error
        for bit in (0x01, 0x80):
            f = bytearray(AARQ_FRAME)
            f[i] ^= bit
            try:
                decode_frame(f)
            except DecodeError:
                continue
            raise AssertionError("flip at %d accepted" % i)


def test_bad_hcs_and_fcs_reported():
    f = bytearray(AARQ_FRAME)
    f[7] ^= 1  # HCS
    assert "HCS" in str(raises(DecodeError, decode_frame, f))
    f = bytearray(AARQ_FRAME)
    f[-2] ^= 1  # FCS
    assert "FCS" in str(raises(DecodeError, decode_frame, f))


def test_max_length():
    raises(DecodeError, decode_frame, AARQ_FRAME, 0, None, None, 0x20)
    assert decode_frame(AARQ_FRAME, 0, None, None, 0x2B).kind == I


def test_encode_too_long():
    raises(EncodeError, encode_frame, bytearray(), 0x10, b"\x03", b"\x21", bytes(2040))


def test_encode_appends():
    out = bytearray(b"xyz")
    n = encode_frame(out, SNRM | PF, b"\x03", b"\x21")
    assert n == 9 and bytes(out) == b"xyz" + SNRM_FRAME
    out = bytearray()
    encode_frame(out, UI, b"\x03", b"\x21", b"abcdef", 2, 4)
    assert bytes(decode_frame(out).info()) == b"cd"


def test_repr_names():
    assert "SNRM" in repr(decode_frame(SNRM_FRAME))
    assert hf.kind_name(0x99) == "0x99"
