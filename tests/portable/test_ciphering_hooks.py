# heapsize: 64k
"""The ciphering hooks and the edges of the framing: long length fields,
ServerSecurity's invocation counters (reserved ahead, replays refused), and
any buffer type in, the same bytes out."""

from checks import raises, unhex
from microcosem.errors import ServiceError
from microcosem.security import SecurityError
from microcosem.security.ciphering import ServerSecurity, protect, unprotect

EK = unhex("000102030405060708090A0B0C0D0E0F")
AK = unhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
ST = unhex("4D4D4D0000BC614E")
IC = 0x01234567
GET_CLOCK_TIME = unhex("C0010000080000010000FF0200")
GLO_GET_30 = unhex("C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B")


def test_long_apdu_length_field():
    big = b"\xC4\x01\xC1\x00\x09\x82\x01\x00" + bytes(256)  # a get-response of 256 bytes
    p = protect(big, ST, 9, EK, AK, 0x30)
    assert p[1] == 0x82 and int.from_bytes(p[2:4], "big") == len(big) + 17
    assert unprotect(p, ST, EK, AK).apdu == big


class _Ctx:
    def __init__(self, title):
        self.client_system_title = title
        self.dedicated_key = None


def test_server_hook_counts_reserves_and_refuses_replays():
    client = unhex("4D4D4D0000000001")
    reserved = []
    sec = ServerSecurity(ST, EK, AK, ic=IC, reserve=reserved.append, step=2)
    ctx = _Ctx(client)
    req = protect(GET_CLOCK_TIME, client, 10, EK, AK, 0x30)
    assert sec.unprotect(ctx, req) == GET_CLOCK_TIME
    answer = b"\xC4\x01\xC1\x00\x09\x04\x01\x02\x03\x04"
    a = sec.protect(ctx, answer)
    assert a[0] == 0xCC and a[2] == 0x30 and a[3:7] == IC.to_bytes(4, "big")
    assert unprotect(a, ST, EK, AK).apdu == answer
    assert sec.protect(ctx, answer)[3:7] == (IC + 1).to_bytes(4, "big")
    assert sec.protect(ctx, answer)[3:7] == (IC + 2).to_bytes(4, "big")
    assert reserved == [IC + 2, IC + 4]  # persisted ahead, before use
    e = raises(ServiceError, sec.unprotect, ctx, req)  # the same counter again
    assert e.apdu == b"\xd8\x01\x06\x00\x00\x00\x0b"
    older = protect(GET_CLOCK_TIME, client, 9, EK, AK, 0x30)
    raises(ServiceError, sec.unprotect, ctx, older)
    assert sec.unprotect(ctx, protect(GET_CLOCK_TIME, client, 11, EK, AK, 0x10)) == GET_CLOCK_TIME
    assert sec.protect(ctx, answer)[2] == 0x10  # answered as it was asked
    raises(SecurityError, sec.unprotect, ctx, b"\xC8" + req[1:-1] + b"\x00")


def test_any_buffer_type_gives_the_same_bytes():
    # bytes, bytearray and memoryview inputs (the host's fast path takes
    # bytes only and hands the rest to the general path: same answers)
    want = GLO_GET_30
    for conv in (bytes, bytearray, lambda b: memoryview(bytearray(b))):
        assert protect(conv(GET_CLOCK_TIME), conv(ST), IC, conv(EK), conv(AK), 0x30) == want
        assert unprotect(conv(want), conv(ST), conv(EK), conv(AK)).apdu == GET_CLOCK_TIME
