# workheap: 96k
# (the engines, EC, ECDSA, SHA-384 and the pure AES are ~245k of code on the 64-bit
#  unix port, counted apart; 96k rather than 64k because at 333k in all the import
#  itself fails under the runner: its transient peak, not the work)
"""Security suite 2 (ECDH-ECDSA-AES-GCM-256-SHA-384, P-384) end to end: HLS
mechanism 7 under P-384 / SHA-384 and glo- APDUs under 32-byte keys with
suite id 2 in their SC; another suite and wrong signatures refused (the
checks of test_suites)."""

# Loaded here so that they count as code (a board has them frozen), not as the
# work's heap: the pure AES's tables, SHA-384 (MicroPython's hashlib has none)
# and the APDU codecs the engines import on first use.
from microcosem.apdu import action, get  # noqa: F401
from microcosem.security import aes, sha2  # noqa: F401
from test_suites import check_mismatched_suite, check_suite, check_wrong_signatures


def test_suite_2_ecdsa_association_and_gets():
    check_suite(2)


def test_suite_2_mismatched_suite_refused():
    check_mismatched_suite(2)


def test_suite_2_wrong_signature_refused():
    check_wrong_signatures(2)


def test_suite_2_under_the_pure_aes():
    # AES-256 from security.aes (a board without cryptolib): the same bytes as
    # the runtime's best binding (cryptolib on MicroPython, OpenSSL on a host),
    # and the whole association and GETs under it.
    from microcosem.security import backend, ciphering
    from test_suites import ST_C, keys

    ek, ak, _ = keys(2)
    apdu = bytes((0xC0, 0x01, 0xC1, 0, 3, 1, 0, 1, 8, 0, 255, 2, 0))
    best = ciphering.protect(apdu, ST_C, 7, ek, ak, 0x32)
    old = backend.use("pure")
    ciphering._cache.clear()  # Gcm objects built on the other binding
    ciphering._seal.clear()
    try:
        assert backend.NAME == "pure"
        assert ciphering.protect(apdu, ST_C, 7, ek, ak, 0x32) == best
        assert ciphering.unprotect(best, ST_C, ek, ak).apdu == apdu
        check_suite(2)
    finally:
        backend.use(old)
        ciphering._cache.clear()
        ciphering._seal.clear()
