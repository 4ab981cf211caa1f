# heapsize: 80k
# (64k + 16k: with 64k it had under 8k to spare, `tools/mptest.py --margin 8k`;
#  a heap laid out a little otherwise, as on a fresh clone, could tip it)
# (the 8-bit GHASH table is the option for boards with heap to spare: 256
#  multiples of H per key as big ints, about 18 KiB on the 64-bit unix port,
#  half that on a 32-bit board; the test keeps one table alive at a time)
"""AES-GCM with the 8-bit GHASH table agrees with the spec and the 4-bit one."""

from checks import raises, unhex
from microcosem.security import SecurityError
from microcosem.security.gcm import Gcm
from test_gcm import CASES, IV12, KF, with_limbs


def test_8bit_table_spec_vectors():
    for limbs in (True, False):  # 8 bits take the big-int form either way
        for case, k, civ, p, a, c, t in CASES[2:6]:
            g8 = None  # one 8-bit table alive at a time
            g8 = with_limbs(limbs, Gcm, unhex(k), False, 8)
            assert g8.encrypt(unhex(civ), unhex(p), unhex(a), 16) == unhex(c + t), case
            assert g8.decrypt(unhex(civ), unhex(c + t), unhex(a), 16) == unhex(p), case


def test_8bit_table_agrees_with_4bit():
    key = unhex(KF)
    iv = unhex(IV12)
    for limbs in (True, False):  # the 4-bit table in limbs, in big ints
        g4 = g8 = None
        g4 = with_limbs(limbs, Gcm, key, False, 4)
        g8 = with_limbs(limbs, Gcm, key, False, 8)
        for n in (0, 5, 16, 40):
            data = bytes(range(n))
            assert g8.encrypt(iv, data, data) == g4.encrypt(iv, data, data)
            assert g8.gmac(iv, data) == g4.gmac(iv, data)
        raises(SecurityError, with_limbs, limbs, Gcm, key, False, 5)

