# heapsize: 96k
# (code: axdr, storage and the cosem base and image modules take ~60k of the 64-bit unix heap)
"""COSEM Image transfer (18): initiate, blocks in any order with the bitmap,
verify, activate, and a transfer that resumes after a reset."""

import os

from checks import raises
from microcosem.axdr import (ARRAY, BIT_STRING, BOOLEAN, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, OCTET_STRING,
                             STRUCTURE)
from microcosem.cosem.base import sn_target
from microcosem.cosem.image import ImageTransfer
from microcosem.errors import AccessError
from microcosem.storage import FileStorage, MemoryStorage

IMAGE = bytes(range(256)) * 2 + b"tail!"   # 517 bytes: 5 blocks of 128, the last of 5


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def _init(it, ident=b"FW-2.0", size=len(IMAGE)):
    return it.action(1, (STRUCTURE, [(OCTET_STRING, ident), (DOUBLE_LONG_UNSIGNED, size)]), None)


def _send(it, n, data=None):
    if data is None:
        data = IMAGE[n * 128:(n + 1) * 128]
    return it.action(2, (STRUCTURE, [(DOUBLE_LONG_UNSIGNED, n), (OCTET_STRING, data)]), None)


def test_full_transfer_verify_activate():
    activated = []
    checked = []

    def verify(blob, size, ident):
        checked.append(ident)
        return bytes(blob.read(0, size)) == IMAGE

    def activate(blob, size, ident):
        activated.append(ident)
        return True

    it = ImageTransfer("0.0.44.0.0.255", MemoryStorage(), block_size=128, verify=verify, activate=activate)
    assert it.get(6, None, None) == (ENUM, 0) and it.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 128)
    assert _code(_send, it, 0) == 250                     # nothing initiated
    _init(it)
    assert it.get(6, None, None) == (ENUM, 1)
    assert it.get(3, None, None) == (BIT_STRING, "00000")
    for n in (4, 0, 2):
        _send(it, n)
    assert it.get(3, None, None) == (BIT_STRING, "10101")
    assert it.get(4, None, None) == (DOUBLE_LONG_UNSIGNED, 1)
    assert _code(it.action, 3, (INTEGER, 0), None) == 250   # blocks missing
    assert it.get(6, None, None) == (ENUM, 4) and checked == []
    _send(it, 1)
    _send(it, 3)
    assert it.get(4, None, None) == (DOUBLE_LONG_UNSIGNED, 5)
    it.action(3, (INTEGER, 0), None)
    assert it.get(6, None, None) == (ENUM, 3) and checked == [b"FW-2.0"]
    info = it.get(7, None, None)[1][0][1]
    assert info[0] == (DOUBLE_LONG_UNSIGNED, 517) and info[1] == (OCTET_STRING, b"FW-2.0")
    it.action(4, (INTEGER, 0), None)
    assert it.get(6, None, None) == (ENUM, 6) and activated == [b"FW-2.0"]


def test_block_checks_and_bad_image():
    it = ImageTransfer("0.0.44.0.0.255", MemoryStorage(), block_size=128, max_size=1000,
                       verify=lambda b, s, i: False, activate=lambda b, s, i: True)
    assert _code(_init, it, b"X", 1001) == 250
    _init(it)
    assert _code(_send, it, 5) == 250                     # past the last block
    assert _code(_send, it, 0, b"short") == 250
    assert _code(_send, it, 4, b"tail") == 250            # the last block is 5 bytes
    assert _code(it.action, 2, (STRUCTURE, [(OCTET_STRING, b"")]), None) == 12
    for n in range(5):
        _send(it, n)
    assert _code(it.action, 4, (INTEGER, 0), None) == 250  # activation verifies first, and fails
    assert it.get(6, None, None) == (ENUM, 4) and it.get(7, None, None) == (ARRAY, ())
    it.set(5, (BOOLEAN, False), None)
    assert _code(_init, it) == 250
    assert _code(it.set, 6, (ENUM, 0), None) == 3
    assert sn_target(ImageTransfer("0.0.44.0.0.255", MemoryStorage(), short_name=0x900), 0x940) == ("m", 1)


def test_activation_without_hook_is_a_temporary_failure():
    it = ImageTransfer("0.0.44.0.0.255", MemoryStorage(), block_size=128)
    _init(it)
    for n in range(5):
        _send(it, n)
    assert _code(it.action, 4, (INTEGER, 0), None) == 2
    assert it.get(6, None, None) == (ENUM, 3)


def test_transfer_resumes_after_a_reset():
    d = "/tmp/mci_%s" % os.urandom(4).hex()
    try:
        it = ImageTransfer("0.0.44.0.0.255", FileStorage(d), block_size=128)
        it.SAVE_EVERY = 2
        _init(it)
        _send(it, 0)
        _send(it, 1)
        _send(it, 4)                                        # not saved yet: sent again later
        # power cycle: a new object on the same storage
        it = ImageTransfer("0.0.44.0.0.255", FileStorage(d), block_size=128,
                           verify=lambda b, s, i: bytes(b.read(0, s)) == IMAGE)
        assert it.get(6, None, None) == (ENUM, 1)
        assert it.get(4, None, None) == (DOUBLE_LONG_UNSIGNED, 2)
        _init(it)                                           # the same image: resumes
        assert it.get(3, None, None) == (BIT_STRING, "11000")
        for n in (2, 3, 4):
            _send(it, n)
        it.action(3, None, None)
        assert it.get(6, None, None) == (ENUM, 3)
        _init(it, b"FW-2.1")                                # another image starts again
        assert it.get(3, None, None) == (BIT_STRING, "00000")
        it = ImageTransfer("0.0.44.0.0.255", FileStorage(d), block_size=64)   # other block size
        assert it.get(6, None, None) == (ENUM, 0)
    finally:
        for n in os.listdir(d):
            os.remove(d + "/" + n)
        os.rmdir(d)
