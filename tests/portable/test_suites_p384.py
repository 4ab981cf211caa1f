# workheap: 64k
# (the engines with every APDU codec, EC and ECDSA are ~220k of code on the 64-bit
#  unix port, counted apart; the association, the GETs and the refusals work in 64k)
"""Security suite 2 (ECDH-ECDSA-AES-GCM-256-SHA-384, P-384) end to end: HLS
mechanism 7 under P-384 / SHA-384 and glo- APDUs under 32-byte keys with
suite id 2 in their SC; another suite and wrong signatures refused (the
checks of test_suites)."""

from test_suites import check_mismatched_suite, check_suite, check_wrong_signatures


def test_suite_2_ecdsa_association_and_gets():
    check_suite(2)


def test_suite_2_mismatched_suite_refused():
    check_mismatched_suite(2)


def test_suite_2_wrong_signature_refused():
    check_wrong_signatures(2)
