"""Image transfer, class 18 version 0 (IEC 62056-6-2 4.4.6).

The state machine of the firmware update:

    image_transfer_initiate {identifier, size}   -> status 1 initiated
    image_block_transfer {number, value} * n     (any order; bits set in the bitmap)
    image_verify                                  -> 3 verified / 4 failed
    image_activate                                -> 6 activated / 7 failed (5 while it runs)

Blocks go to a storage blob (MemoryStorage / FileStorage .blob), and the
transfer's state (identifier, size, status, bitmap) to a record every
SAVE_EVERY blocks and at each step, so a transfer interrupted by a reset
resumes about where it stopped: the client reads
image_first_not_transferred_block_number and goes on.
`verify(blob, size, identifier)` (a signature or hash check) and
`activate(blob, size, identifier)` are the firmware's hooks.
"""

from struct import pack, unpack_from

from ..axdr import (ARRAY, BIT_STRING, BOOLEAN, DOUBLE_LONG_UNSIGNED, ENUM, OCTET_STRING,
                    STRUCTURE)
from ..errors import AccessError, DlmsError
from .base import OTHER_REASON, TEMPORARY_FAILURE, CosemObject, check, param_int

# image_transfer_status
NOT_INITIATED = 0
INITIATED = 1
VERIFICATION_INITIATED = 2
VERIFICATION_SUCCESSFUL = 3
VERIFICATION_FAILED = 4
ACTIVATION_INITIATED = 5
ACTIVATION_SUCCESSFUL = 6
ACTIVATION_FAILED = 7

_INITIATE_TD = (STRUCTURE, (OCTET_STRING, DOUBLE_LONG_UNSIGNED))
_BLOCK_TD = (STRUCTURE, (DOUBLE_LONG_UNSIGNED, OCTET_STRING))


class ImageTransfer(CosemObject):
    class_id = 18
    version = 0
    ATTRIBUTE_COUNT = 7
    METHOD_COUNT = 4
    SN_METHOD_OFFSET = 0x40
    ATTRS = ("image_block_size", "image_transferred_blocks_status",
             "image_first_not_transferred_block_number", "image_transfer_enabled",
             "image_transfer_status", "image_to_activate_info")
    TYPES = (DOUBLE_LONG_UNSIGNED, BIT_STRING, DOUBLE_LONG_UNSIGNED, BOOLEAN, ENUM, ARRAY)
    READ_ONLY = 0b11011100  # all but image_transfer_enabled (5)
    image_transfer_enabled = (BOOLEAN, True)
    SAVE_EVERY = 16
    _unsaved = 0
    verify = None
    activate = None

    def __init__(self, logical_name, storage, block_size=192, max_size=0x40000, short_name=None,
                 verify=None, activate=None, name="image", **values):
        CosemObject.__init__(self, logical_name, short_name, **values)
        self.storage = storage
        self.block_size = block_size
        self.max_size = max_size
        self.name = name
        if verify is not None:
            self.verify = verify
        if activate is not None:
            self.activate = activate
        self._blob = None
        self._load()

    # ---------------------------------------------------------- persisted state

    def _load(self):
        rec = self.storage.get(self.name + ".state")
        self.status = NOT_INITIATED
        self.identifier = b""
        self.size = 0
        self._bits = bytearray()
        if rec is None or len(rec) < 10:
            return
        status, size, block, idlen = unpack_from(">BIIB", rec, 0)
        if block != self.block_size or 10 + idlen > len(rec):
            return  # another block size: the transfer cannot resume
        self.status = status
        self.size = size
        self.identifier = bytes(rec[10:10 + idlen])
        self._bits = bytearray(rec[10 + idlen:])
        if len(self._bits) != (self.blocks() + 7) // 8:
            self.status = NOT_INITIATED
            self._bits = bytearray()

    def _save(self):
        self._unsaved = 0
        self.storage.put(self.name + ".state", pack(">BIIB", self.status, self.size, self.block_size,
                                                    len(self.identifier)) + self.identifier + self._bits)

    def _image(self):
        if self._blob is None or self._blob.size != self.size:
            self._blob = self.storage.blob(self.name, self.size)
        return self._blob

    def blocks(self):
        return (self.size + self.block_size - 1) // self.block_size

    def _has(self, n):
        return self._bits[n >> 3] & (0x80 >> (n & 7))

    def first_missing(self):
        for n in range(self.blocks()):
            if not self._has(n):
                return n
        return self.blocks()

    # ---------------------------------------------------------- attributes

    def _get(self, i, selection, ctx):
        if i == 2:
            return (DOUBLE_LONG_UNSIGNED, self.block_size)
        if i == 3:
            n = self.blocks()
            out = bytearray(n)
            for k in range(n):
                out[k] = 0x31 if self._has(k) else 0x30
            return (BIT_STRING, out.decode())
        if i == 4:
            return (DOUBLE_LONG_UNSIGNED, self.first_missing())
        if i == 6:
            return (ENUM, self.status)
        if i == 7:
            if self.status < VERIFICATION_SUCCESSFUL or self.status == VERIFICATION_FAILED:
                return (ARRAY, ())
            return (ARRAY, ((STRUCTURE, ((DOUBLE_LONG_UNSIGNED, self.size),
                                         (OCTET_STRING, self.identifier), (OCTET_STRING, b""))),))
        return CosemObject._get(self, i, selection, ctx)

    # ---------------------------------------------------------- methods

    def _action(self, m, parameters, ctx):
        try:
            if m == 1:
                self._initiate(parameters)
            elif m == 2:
                self._block(parameters)
            elif m == 3:
                param_int(parameters)
                self._verify()
            else:
                param_int(parameters)
                self._activate()
        except AccessError:
            raise
        except DlmsError as e:  # storage
            raise AccessError("image storage: %s" % e, OTHER_REASON)
        return None

    def _initiate(self, p):
        check(p, _INITIATE_TD)
        if not self.image_transfer_enabled[1]:
            raise AccessError("image transfer not enabled", OTHER_REASON)
        ident, size = bytes(p[1][0][1]), p[1][1][1]
        if size == 0 or size > self.max_size:
            raise AccessError("image of %d bytes (at most %d)" % (size, self.max_size), OTHER_REASON)
        if (ident == self.identifier and size == self.size and self.status != NOT_INITIATED
                and self.status < ACTIVATION_INITIATED):
            # the same image again: the transfer resumes, the blocks already here stay
            self.status = INITIATED
        else:
            self.identifier = ident
            self.size = size
            self.status = INITIATED
            self._bits = bytearray((self.blocks() + 7) // 8)
        self._save()

    def _block(self, p):
        check(p, _BLOCK_TD)
        if self.status != INITIATED and self.status != VERIFICATION_FAILED:
            raise AccessError("no image transfer initiated", OTHER_REASON)
        n, data = p[1][0][1], p[1][1][1]
        if n >= self.blocks():
            raise AccessError("block %d of %d" % (n, self.blocks()), OTHER_REASON)
        want = min(self.block_size, self.size - n * self.block_size)
        if len(data) != want:
            raise AccessError("block %d takes %d bytes, not %d" % (n, want, len(data)), OTHER_REASON)
        self._image().write(n * self.block_size, data)
        self._bits[n >> 3] |= 0x80 >> (n & 7)
        self.status = INITIATED
        # the bitmap goes to storage every SAVE_EVERY blocks (and at verify): a bit
        # lost in a reset only makes the client send that block again
        self._unsaved += 1
        if self._unsaved >= self.SAVE_EVERY:
            self._save()

    def _verify(self):
        if self.status == NOT_INITIATED:
            raise AccessError("no image transfer initiated", OTHER_REASON)
        if self.status >= VERIFICATION_SUCCESSFUL and self.status != VERIFICATION_FAILED:
            return
        ok = self.first_missing() == self.blocks()
        if ok and self.verify is not None:
            self.status = VERIFICATION_INITIATED
            ok = bool(self.verify(self._image(), self.size, self.identifier))
        self.status = VERIFICATION_SUCCESSFUL if ok else VERIFICATION_FAILED
        self._save()
        if not ok:
            raise AccessError("image verification failed", OTHER_REASON)

    def activation_done(self, ok):
        """After a reset the activation caused: the firmware tells how it went."""
        if self.status == ACTIVATION_INITIATED:
            self.status = ACTIVATION_SUCCESSFUL if ok else ACTIVATION_FAILED
            self._save()

    def _activate(self):
        if self.status == ACTIVATION_SUCCESSFUL:
            return
        if self.status != VERIFICATION_SUCCESSFUL:
            self._verify()  # IEC 62056-6-2: activation verifies an image not yet verified
        if self.activate is None:
            raise AccessError("no activation hook", TEMPORARY_FAILURE)
        self.status = ACTIVATION_INITIATED
        self._save()
        ok = bool(self.activate(self._image(), self.size, self.identifier))
        self.status = ACTIVATION_SUCCESSFUL if ok else ACTIVATION_FAILED
        self._save()
        if not ok:
            raise AccessError("image activation failed", OTHER_REASON)
