# heapsize: 80k
# (64k + 16k: with 64k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
"""HLS mechanism 7 (ECDSA, suite 2: P-384 with SHA-384), both ways."""

from ecdsa_check import hls_exchange
from microcosem.security import ec


def test_ecdsa_mechanism_p384_suite_2():
    hls_exchange(ec.P384, 2)
