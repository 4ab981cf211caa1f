"""Our ciphering and HLS-GMAC against dlms-cosem's security module (the
second peer): SC 0x30 content both ways, and f(StoC) / f(CtoS) as its
HighLevelSecurityGmacAuthentication computes them."""

from dlms_cosem import security as dc
from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.security import ciphering
from microcosem.security.hls import Hls

keys = st.binary(min_size=16, max_size=16)
titles = st.binary(min_size=8, max_size=8)
counters = st.integers(0, 0xFFFFFFFF)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=300), titles, keys, keys, counters)
def test_authenticated_encryption_equals_dlms_cosem(apdu, title, ek, ak, ic):
    sc = dc.SecurityControlField(security_suite=0, authenticated=True, encrypted=True)
    theirs = dc.encrypt(security_control=sc, system_title=title, invocation_counter=ic, key=ek,
                        plain_text=apdu, auth_key=ak)
    ours = ciphering.protect_content(apdu, title, ic, ek, ak, 0x30)
    assert ours == b"\x30" + ic.to_bytes(4, "big") + theirs
    assert dc.decrypt(security_control=sc, system_title=title, invocation_counter=ic, key=ek,
                      cipher_text=theirs, auth_key=ak) == apdu
    assert ciphering.unprotect_content(ours, title, ek, ak) == (0x30, ic, apdu)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=8, max_size=64), titles, keys, keys, counters)
def test_hls_gmac_equals_dlms_cosem(challenge, title, ek, ak, ic):
    sc = dc.SecurityControlField(security_suite=0, authenticated=True, encrypted=False)
    tag = dc.gmac(security_control=sc, system_title=title, invocation_counter=ic, key=ek,
                  auth_key=ak, challenge=challenge)
    # f(challenge) as the sender with `title` and `ic` sends it: SC || IC || GMAC
    f = Hls(5, ek=ek, ak=ak).respond(b"", challenge, title, None, ic)
    assert f == b"\x10" + ic.to_bytes(4, "big") + tag
