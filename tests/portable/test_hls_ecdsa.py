# heapsize: 64k
"""HLS mechanism 7 (ECDSA, suite 1: P-256): f(StoC) and f(CtoS) signed over
the titles and challenges in the Green Book's order, checked both ways.
Suite 2 (P-384) is in test_hls_ecdsa_p384."""

from ecdsa_check import hls_exchange
from microcosem.security import ec


def test_ecdsa_mechanism_p256_suite_1():
    hls_exchange(ec.P256, 1)
