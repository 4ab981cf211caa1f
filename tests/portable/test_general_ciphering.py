# heapsize: 96k
# (96k: ciphering, gcm, keywrap and general_ciphering are loaded together, about
# 17 KiB of .mpy, and the server hook test keeps cryptolib objects of five keys;
# 64k fails at import, 72k in that test, and 80k now and then since the limb
# GHASH's tables grew gcm by 4.6k: too thin a margin for a heap that fragments)
"""general-ciphering (0xDD): the layout written out byte by byte for each
key-info (none, identified, wrapped, agreed), the AAD with the header fields
written out by hand, round trips, and refusals.  The agreed-key forms (ECDH)
are in test_general_ciphering_agreed."""

from checks import raises, unhex
from microcosem.errors import DecodeError, DlmsError
from microcosem.security import SecurityError, general_ciphering as gc, keywrap
from microcosem.security.gcm import Gcm

EK = unhex("000102030405060708090A0B0C0D0E0F")
AK = unhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
KEK = unhex("101112131415161718191A1B1C1D1E1F")
BK = unhex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF")
ORIG = unhex("4D4D4D0000000001")
RECIP = unhex("4D4D4D0000BC614E")
TID = unhex("0000000001234567")
IC = 0x01234567
GET = unhex("C0010000080000010000FF0200")  # get-request-normal, clock time

# transaction-id, originator, recipient, date-time (none), other-information (none)
HEAD = unhex("08 0000000001234567 08 4D4D4D0000000001 08 4D4D4D0000BC614E 00 00")


def _content(key, sc=0x30, plain=GET, head=HEAD):
    # SC || IC || C || T with GCM run directly: IV = originator || IC,
    # AAD = SC || AK || the five encoded header fields.
    g = Gcm(key)
    iv = ORIG + IC.to_bytes(4, "big")
    aad = bytes((sc,)) + AK + head
    if sc == 0x30:
        body = g.encrypt(iv, plain, aad, 12)
    elif sc == 0x10:
        body = plain + g.gmac(iv, aad + plain, 12)
    else:
        body = g.crypt(iv, plain)
    return bytes((sc,)) + IC.to_bytes(4, "big") + body


def test_no_key_info_layout_and_round_trip():
    want = b"\xdd" + HEAD + b"\x00" + bytes((5 + len(GET) + 12,)) + _content(EK)
    got = gc.protect(GET, TID, ORIG, RECIP, IC, EK, AK)
    assert got == want
    assert len(got) == 1 + 29 + 1 + 1 + 30
    u = gc.unprotect(got, AK, ek=EK)
    assert u.apdu == GET and u.sc == 0x30 and u.ic == IC
    m = u.message
    assert m.transaction_id == TID and m.originator == ORIG and m.recipient == RECIP
    assert m.date_time == b"" and m.other_information == b"" and m.key_info is None


def test_authenticated_only_and_encrypted_only():
    for sc in (0x10, 0x20):
        got = gc.protect(GET, TID, ORIG, RECIP, IC, EK, AK, sc)
        c = _content(EK, sc)
        assert got == b"\xdd" + HEAD + b"\x00" + bytes((len(c),)) + c, hex(sc)
        assert gc.unprotect(got, AK, ek=EK).apdu == GET


def test_date_time_and_other_information_are_authenticated():
    dt = unhex("07EA0C0102130000FF800000")  # 2026-12-01 19:00, deviation unspecified
    oi = b"\x01\x02"
    head = HEAD[:-2] + b"\x0c" + dt + b"\x02" + oi
    got = gc.protect(GET, TID, ORIG, RECIP, IC, EK, AK, 0x30, None, dt, oi)
    assert got == b"\xdd" + head + b"\x00" + b"\x1e" + _content(EK, head=head)
    m = gc.unprotect(got, AK, ek=EK).message
    assert m.date_time == dt and m.other_information == oi
    # Change one header byte (the recipient's last): the tag no longer verifies.
    bad = bytearray(got)
    bad[1 + 9 + 9 + 8] ^= 1
    raises(SecurityError, gc.unprotect, bytes(bad), AK, ek=EK)


def test_identified_key_unicast_and_broadcast():
    assert gc.identified_key(0) == b"\x00\x00" and gc.identified_key(1) == b"\x00\x01"
    got = gc.protect(GET, TID, ORIG, RECIP, IC, EK, AK, 0x30, gc.identified_key(0))
    assert got == b"\xdd" + HEAD + b"\x01\x00\x00\x1e" + _content(EK)
    assert gc.unprotect(got, AK, ek=EK).message.key_info == (0, 0, None)
    b = gc.protect(GET, TID, ORIG, RECIP, IC, BK, AK, 0x70, gc.identified_key(1))
    assert b[0:34] == b"\xdd" + HEAD + b"\x01\x00\x01\x1e"
    u = gc.unprotect(b, AK, ek=EK, broadcast_key=BK)
    assert u.apdu == GET and u.sc == 0x70
    raises(SecurityError, gc.unprotect, b, AK, ek=EK)  # no broadcast key
    raises(SecurityError, gc.identified_key, 2)


def test_wrapped_key():
    key = unhex("00112233445566778899AABBCCDDEEFF")
    ki = gc.wrapped_key(KEK, key)
    wrapped = keywrap.wrap(KEK, key)
    assert ki == b"\x01\x00\x18" + wrapped
    got = gc.protect(GET, TID, ORIG, RECIP, IC, key, AK, 0x30, ki)
    assert got == b"\xdd" + HEAD + b"\x01" + ki + b"\x1e" + _content(key)
    u = gc.unprotect(got, AK, kek=KEK)
    assert u.apdu == GET and u.message.key_info == (1, 0, wrapped)
    raises(SecurityError, gc.unprotect, got, AK)  # no KEK
    raises(SecurityError, gc.unprotect, got, AK, kek=EK)  # the unwrap fails


def test_agreed_key_layout():
    assert gc.agreed_key(2) == b"\x02\x01\x02\x00"
    assert gc.agreed_key(1, b"\xaa" * 3) == b"\x02\x01\x01\x03\xaa\xaa\xaa"
    raises(SecurityError, gc.agreed_key, 3)
    got = gc.protect(GET, TID, ORIG, RECIP, IC, EK, AK, 0x31, gc.agreed_key(2))
    m = gc.decode(got)
    assert m.key_info == (2, 2, b"")
    raises(SecurityError, gc.unprotect, got, AK, ek=EK)  # no agreement keys given
    assert gc.unprotect(got, AK, agreed=lambda msg: EK).apdu == GET


def test_refusals_are_dlms_errors():
    good = gc.protect(GET, TID, ORIG, RECIP, IC, EK, AK)
    for n in range(len(good)):
        e = raises(DlmsError, gc.unprotect, good[:n], AK, ek=EK)
        assert isinstance(e, (DecodeError, SecurityError))
    raises(DecodeError, gc.decode, good + b"\x00")
    raises(DecodeError, gc.decode, b"\xdb" + good[1:])
    raises(DecodeError, gc.decode, good[:30] + b"\x02" + good[31:])  # OPTIONAL flag 2
    raises(DecodeError, gc.decode, good[:30] + b"\x01\x07" + good[31:])  # unknown choice
    raises(SecurityError, gc.unprotect, good, AK, ek=BK)  # wrong key
    raises(SecurityError, gc.unprotect, good, BK, ek=EK)  # wrong AK
    raises(SecurityError, gc.protect, b"", TID, ORIG, RECIP, IC, EK, AK)
    # A 7-byte originator title is refused (it is half of the IV).
    short = b"\xdd" + HEAD[:9] + b"\x07" + ORIG[:7] + HEAD[18:] + good[30:]
    raises(SecurityError, gc.decode, short)


class _Ctx:
    client_system_title = ORIG
    dedicated_key = None


def test_server_hook_answers_in_kind():
    from microcosem.errors import ServiceError
    from microcosem.security.ciphering import ServerSecurity

    sec = ServerSecurity(RECIP, EK, AK, ic=100, broadcast_key=BK)
    sec.master_key = KEK
    answer = unhex("C401C100090401020304")
    for n, ki, key in ((1, None, EK), (2, gc.identified_key(0), EK), (3, gc.identified_key(1), BK),
                       (4, gc.wrapped_key(KEK, unhex("00112233445566778899AABBCCDDEEFF")),
                        unhex("00112233445566778899AABBCCDDEEFF"))):
        sc = 0x70 if key is BK else 0x30
        req = gc.protect(GET, TID, ORIG, RECIP, n, key, AK, sc, ki)
        assert sec.unprotect(_Ctx(), req) == GET
        a = sec.protect(_Ctx(), answer)
        m = gc.decode(a)
        assert m.transaction_id == TID and m.originator == RECIP and m.recipient == ORIG
        u = gc.unprotect(a, AK, ek=EK, kek=KEK)
        assert u.apdu == answer and u.sc == 0x30 and u.ic == 100 + n - 1
        if n == 3:
            assert m.key_info == (0, 0, None)  # a broadcast request is answered unicast
        elif n == 4:
            assert m.key_info[0] == 1 and keywrap.unwrap(KEK, m.key_info[2]) == key
        else:
            assert (m.key_info is None) == (ki is None)
    old = gc.protect(GET, TID, ORIG, RECIP, 4, EK, AK)
    raises(ServiceError, sec.unprotect, _Ctx(), old)  # the counter again: refused
    other = gc.protect(GET, TID, ORIG, ORIG, 9, EK, AK)  # for another recipient
    raises(SecurityError, sec.unprotect, _Ctx(), other)
    agreed = gc.protect(GET, TID, ORIG, RECIP, 10, EK, AK, 0x31, gc.agreed_key(2))
    raises(SecurityError, sec.unprotect, _Ctx(), agreed)
