"""Our DLMS ciphering against gurux-dlms's (GXDLMSChippering), both ways,
for every service-specific tag and the general-glo/ded forms."""

from gurux_dlms.AesGcmParameter import AesGcmParameter
from gurux_dlms.GXByteBuffer import GXByteBuffer
from gurux_dlms.GXDLMSChippering import GXDLMSChippering
from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.security import ciphering

keys = st.binary(min_size=16, max_size=16)
titles = st.binary(min_size=8, max_size=8)
counters = st.integers(0, 0xFFFFFFFF)
scs = st.sampled_from((0x10, 0x20, 0x30))
plain_tags = st.sampled_from([p for p, _, _ in ciphering.CIPHERED_TAGS])


def _gurux(tag, title, ek, ak, ic, sc, plain):
    p = AesGcmParameter(tag, title, ek, ak)
    p.security = sc & 0x30
    p.invocationCounter = ic
    return bytes(GXDLMSChippering.encryptAesGcm(p, plain))


# The ciphered tags gurux-dlms's decryptAesGcm opens (it has no ded-initiate,
# glo-/ded-unconfirmed-write or information-report among them).
_GURUX_OPENS = (0x21, 0x25, 0x26, 0x28, 0x2C, 0x2D, 0x2E, 0x4E, 0x45, 0x46, 0x4C, 0x4D,
                0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD7,
                0xDB, 0xDC)


def _gurux_open(data, title, ek, ak):
    p = AesGcmParameter(0, title, ek, ak)
    p.xml = None
    return bytes(GXDLMSChippering.decryptAesGcm(None, p, GXByteBuffer(bytearray(data))))


@settings(max_examples=80, deadline=None)  # gurux's GCM is slow pure Python
@given(plain_tags, st.booleans(), st.binary(max_size=200), titles, keys, keys, counters, scs)
def test_service_specific_equals_gurux(tag, dedicated, body, title, ek, ak, ic, sc):
    apdu = bytes((tag,)) + body
    ours = ciphering.protect(apdu, title, ic, ek, ak, sc, dedicated)
    assert ours == _gurux(ciphering.ciphered_tag(tag, dedicated), title, ek, ak, ic, sc, apdu)
    if ours[0] in _GURUX_OPENS:
        assert _gurux_open(ours, title, ek, ak) == apdu
    kw = {"dedicated_key": ek} if dedicated else {}
    u = ciphering.unprotect(ours, title, None if dedicated else ek, ak, **kw)
    assert u.apdu == apdu and u.ic == ic and u.sc == sc and u.dedicated == dedicated


@settings(max_examples=50, deadline=None)
@given(st.booleans(), st.binary(min_size=1, max_size=200), titles, keys, keys, counters, scs)
def test_general_ciphering_equals_gurux(dedicated, apdu, title, ek, ak, ic, sc):
    ours = ciphering.protect_general(apdu, title, ic, ek, ak, sc, dedicated)
    tag = ciphering.GENERAL_DED_CIPHERING if dedicated else ciphering.GENERAL_GLO_CIPHERING
    assert ours == _gurux(tag, title, ek, ak, ic, sc, apdu)
    assert _gurux_open(ours, title, ek, ak) == apdu
    kw = {"dedicated_key": ek} if dedicated else {}
    u = ciphering.unprotect(ours, None, None if dedicated else ek, ak, **kw)
    assert u.apdu == apdu and u.system_title == title and u.general


@settings(max_examples=200, deadline=None)
@given(keys, keys, titles, counters, plain_tags, st.binary(max_size=300),
       st.integers(0, 400), st.integers(0, 255))
def test_host_fast_path_equals_the_general_path(ek, ak, title, ic, tag, body, where, flip):
    # A bytes key takes the host's fast path (SC 0x30, native seal); the same
    # key as a bytearray cannot be a cache key and takes the general path.
    # Same bytes out, same plaintext back, and any changed byte the same
    # refusal (or the same answer, for a flip that changes nothing).
    from microcosem.errors import DlmsError

    plain = bytes((tag,)) + body
    ciphering.protect(plain, title, ic, ek, ak)  # the key is now cached
    fast = ciphering.protect(plain, title, ic, ek, ak)
    assert fast == ciphering.protect(plain, title, ic, bytearray(ek), ak)
    assert ciphering.unprotect(fast, title, ek, ak).apdu == plain
    bad = bytearray(fast)
    bad[where % len(bad)] ^= flip
    bad = bytes(bad)
    results = []
    for k in (ek, bytearray(ek)):
        try:
            u = ciphering.unprotect(bad, title, k, ak)
            results.append((u.apdu, u.sc, u.ic))
        except DlmsError as e:
            results.append(type(e))
    assert results[0] == results[1]


def test_host_fast_path_length_forms_at_their_edges():
    # Hypothesis rarely draws the bodies whose ciphered length falls in
    # 0x80..0xFF, where the fast path once wrote 82 00 nn and the general
    # path (and gurux-dlms) the shortest form, 81 nn.  Every edge, both ways.
    ek, ak = bytes(range(16)), bytes(range(0xD0, 0xE0))
    title = bytes.fromhex("4D4D4D0000BC614E")
    for size in (1, 110, 111, 112, 238, 239, 240, 0xFFEE, 0xFFEF):
        plain = b"\xc4" + bytes(size - 1)
        ciphering.protect(plain, title, 7, ek, ak)  # the key is now cached
        fast = ciphering.protect(plain, title, 7, ek, ak)
        n = size + 17
        head = (bytes((n,)) if n < 0x80 else b"\x81" + bytes((n,)) if n < 0x100
                else b"\x82" + n.to_bytes(2, "big") if n < 0x10000 else b"\x84" + n.to_bytes(4, "big"))
        assert fast[:1 + len(head)] == b"\xcc" + head, (size, fast[:6].hex())
        assert fast == ciphering.protect(plain, title, 7, bytearray(ek), ak), size
        if size < 300:
            assert fast == _gurux(0xCC, title, ek, ak, 7, 0x30, plain), size
        for k in (ek, bytearray(ek)):
            u = ciphering.unprotect(fast, title, k, ak)
            assert (u.apdu, u.sc, u.ic) == (plain, 0x30, 7), size
