"""Malformed protected APDUs (glo-, general-glo, general-ciphering,
general-signing), X.509 certificates and HLS answers raise the project's errors only
(DlmsError: DecodeError or SecurityError), never IndexError, TypeError or
the like, whatever the bytes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from microcosem.errors import DlmsError
from microcosem.security import ciphering, keywrap
from microcosem.security.hls import Hls

EK = bytes(range(16))
AK = bytes(range(16, 32))
ST = b"MMM\x00\x00\xbcaN"
PLAIN = b"\xc0\x01\xc1\x00\x08\x00\x00\x01\x00\x00\xff\x02\x00"
PLAIN_GENERAL = b"\xc4\x01\xc1\x00\x09\x01\x01"
GOOD = ciphering.protect(PLAIN, ST, 7, EK, AK)
GOOD_GENERAL = ciphering.protect_general(PLAIN_GENERAL, ST, 8, EK, AK, 0x10)

tags = st.sampled_from([g for _, g, _ in ciphering.CIPHERED_TAGS] + [d for _, _, d in ciphering.CIPHERED_TAGS]
                       + [0xDB, 0xDC, 0x00, 0xC0, 0xFF])


def _only_dlms_errors(fn, *args):
    try:
        fn(*args)
    except DlmsError:
        pass


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=80), tags.flatmap(lambda t: st.binary(max_size=60).map(
    lambda b: bytes((t,)) + b))))
def test_garbage_is_refused_cleanly(data):
    _only_dlms_errors(ciphering.unprotect, data, ST, EK, AK, EK, EK)
    _only_dlms_errors(ciphering.unprotect, data, None, EK, AK)
    _only_dlms_errors(ciphering.parse_header, data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from((GOOD, GOOD_GENERAL)), st.integers(0, 200), st.integers(0, 255),
       st.integers(0, 3))
def test_mutated_apdus_are_refused_cleanly(good, where, value, how):
    b = bytearray(good)
    i = where % len(b)
    if how == 0:
        b[i] = value
    elif how == 1:
        b = b[:i]
    elif how == 2:
        b = b[:i] + bytes((value,)) + b[i:]
    else:
        b = b[:i] + b[i + 1:]
    try:
        u = ciphering.unprotect(bytes(b), ST, EK, AK)
    except DlmsError:
        return
    # accepted: only when the bytes mean the same (an untouched APDU, or a
    # length field rewritten in its long form, which the tag does not cover)
    assert u.apdu in (PLAIN, PLAIN_GENERAL) and u.ic in (7, 8)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40), st.sampled_from((3, 4, 5, 6)))
def test_hls_check_of_garbage_is_false(f, mech):
    h = Hls(mech, secret=b"s", ek=EK, ak=AK)
    assert h.check(f, b"12345678", b"abcdefgh", ST, ST) is False


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=48))
def test_unwrap_of_garbage_is_refused(data):
    _only_dlms_errors(keywrap.unwrap, EK, data)


# -- general-ciphering, general-signing, X.509 -----------------------------------------

def _gc_samples():
    from microcosem.security import ec, general_ciphering as gc, signing

    o, r = ST, b"MMM\x00\x00\x00\x00\x01"
    d = bytes.fromhex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721")
    q = ec.public_key(ec.P256, d)
    return (gc.protect(PLAIN, b"\x00" * 8, o, r, 3, EK, AK, 0x30, gc.wrapped_key(AK, EK)),
            gc.protect(PLAIN, b"\x01", o, r, 4, EK, AK, 0x31, gc.agreed_key(1, q + bytes(64))),
            signing.sign(PLAIN, b"\x02", o, r, d)), q


GC_WRAPPED, GC_AGREED, SIGNED_GOOD = _gc_samples()[0]
SIGN_PUB = _gc_samples()[1]


def _mutants(good):
    return st.one_of(
        st.binary(max_size=200).map(lambda b: good[:1] + b),
        st.tuples(st.integers(0, len(good) - 1), st.integers(1, 255)).map(
            lambda t: good[:t[0]] + bytes((good[t[0]] ^ t[1],)) + good[t[0] + 1:]),
        st.integers(0, len(good)).map(lambda n: good[:n]))


@settings(max_examples=300, deadline=None)
@given(st.one_of(_mutants(GC_WRAPPED), _mutants(GC_AGREED)))
def test_general_ciphering_any_bytes(data):
    from microcosem.security import general_ciphering as gc

    _only_dlms_errors(gc.unprotect, data, AK, EK, EK, AK, lambda m: EK)
    # One-Pass DH with a static key and U's signing key: the signature check
    # and the point decoding see every mutation
    _only_dlms_errors(gc.unprotect, data, AK, EK, None, AK, lambda m: gc.agreed_key_for(
        m, 1, EK + EK, None, SIGN_PUB))


@settings(max_examples=150, deadline=None)
@given(_mutants(SIGNED_GOOD))
def test_general_signing_any_bytes(data):
    from microcosem.security import signing

    _only_dlms_errors(signing.verify, data, SIGN_PUB)


def _cert():
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "portable"))
    from cert_samples import CERT

    return CERT


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), _mutants(_cert())))
def test_x509_any_bytes(data):
    from microcosem.security import x509

    def parse_and_check():
        x509.Certificate(data).verify(SIGN_PUB)

    _only_dlms_errors(parse_and_check)
