# heapsize: 64k
"""The SP 800-56A concatenation KDF: against its definition written out with
the hash, over one and several hash blocks, and the DLMS OtherInfo."""

from checks import raises, unhex
from microcosem.security import SecurityError, kdf, sha2

Z = unhex("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b")  # CAVS CDH P-256 COUNT 0
U = unhex("4D4D4D0000000001")  # client system title
V = unhex("4D4D4D0000BC614E")  # server system title


def test_other_info_is_the_concatenation():
    assert kdf.other_info(kdf.AES_GCM_128, U, V) == unhex("60857405080300") + U + V
    assert kdf.other_info(b"\x01", b"\x02", b"\x03", b"\x04", b"\x05") == b"\x01\x02\x03\x04\x05"
    # The algorithm ids are OBJECT IDENTIFIER contents of 2.16.756.5.8.3.x.
    assert kdf.AES_GCM_256[-1] == 1 and kdf.AES_WRAP_128[-1] == 2 and kdf.AES_WRAP_256[-1] == 3


def test_one_block_is_hash_of_counter_z_info():
    info = kdf.other_info(kdf.AES_GCM_128, U, V)
    want = sha2.sha256(b"\x00\x00\x00\x01" + Z + info)
    assert kdf.concat_kdf("sha256", Z, 32, info) == want
    assert kdf.concat_kdf("sha256", Z, 16, info) == want[:16]
    assert kdf.dlms_kdf(1, Z, kdf.AES_GCM_128, U, V) == want[:16]


def test_several_blocks_count_from_one():
    info = b"info"
    want = sha2.sha384(b"\x00\x00\x00\x01" + Z + info) + sha2.sha384(b"\x00\x00\x00\x02" + Z + info)
    assert kdf.concat_kdf("sha384", Z, 96, info) == want
    assert kdf.concat_kdf("sha384", Z, 50, info) == want[:50]
    assert kdf.dlms_kdf(2, Z, kdf.AES_GCM_256, U, V) == sha2.sha384(
        b"\x00\x00\x00\x01" + Z + kdf.AES_GCM_256 + U + V)[:32]


def test_refusals():
    raises(SecurityError, kdf.concat_kdf, "sha256", Z, 0, b"")
    raises(SecurityError, kdf.dlms_kdf, 0, Z, kdf.AES_GCM_128, U, V)
    raises(SecurityError, kdf.dlms_kdf, 3, Z, kdf.AES_GCM_128, U, V)
