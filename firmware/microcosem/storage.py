"""What survives a power cut: named records and rings of profile rows.

The interface is small, so that a board can put it on a flash file system, a
raw flash sector or FRAM, and a test can put it in RAM:

    st.put("ic.client16", b"...")   # replace a record, all or nothing
    st.get("ic.client16")           # its bytes, or None
    st.delete("ic.client16")
    ring = st.ring("load_profile", slot_size=40, slots=960)
    ring.append(row)                # the oldest row goes once the ring is full
    len(ring); ring.read(0)         # rows, oldest first
    ring.clear()
    blob = st.blob("image", size)   # random access: blob.write(offset, data), blob.read(offset, n)

MemoryStorage keeps everything in RAM (a ring is one preallocated bytearray).
FileStorage keeps it in files with the `os` functions MicroPython and CPython
share.  A record is written as `name.tmp`, then renamed over `name`: a cut
anywhere leaves the old record or the new one, never a mixture.  Each file
ends with a CRC-32, so a torn `.tmp` is never mistaken for a record (on FAT,
where rename does not replace, the old file is removed first and the `.tmp`
is then the only copy until the rename).  A ring file holds one slot more
than the ring: a row is written into the spare slot, then the ring's
header record (start, count) is replaced, so a cut mid-row leaves the ring
as it was.
"""

import os
from binascii import crc32
from struct import pack, pack_into, unpack_from

from .compat import const
from .errors import DlmsError

_CRC_SIZE = const(4)
_LEN_SIZE = const(2)


class StorageError(DlmsError):
    """A record or a row that cannot be stored (too large, bad name, I/O)."""


class _Fs:
    """The file functions FileStorage uses; a test replaces it to cut power."""

    def open(self, path, mode):
        return open(path, mode)

    def rename(self, a, b):
        os.rename(a, b)

    def remove(self, path):
        os.remove(path)

    def exists(self, path):
        try:
            os.stat(path)
            return True
        except OSError:
            return False

    def mkdir(self, path):
        try:
            os.mkdir(path)
        except OSError:
            pass


def _check_name(name):
    if not name or "/" in name or name.endswith(".tmp") or name.endswith(".ring") or name.endswith(".blob"):
        raise StorageError("bad record name %r" % (name,))


class MemoryRing:
    """A ring of `slots` rows of at most `slot_size` bytes in one bytearray."""

    def __init__(self, slot_size, slots):
        if slot_size <= 0 or slots <= 0 or slot_size > 0xFFFF:
            raise StorageError("bad ring size")
        self.slot_size = slot_size
        self.slots = slots
        self._buf = bytearray((slot_size + _LEN_SIZE) * slots)
        self._start = 0
        self._count = 0

    def __len__(self):
        return self._count

    def append(self, data):
        n = len(data)
        if n > self.slot_size:
            raise StorageError("row of %d bytes in slots of %d" % (n, self.slot_size))
        if self._count < self.slots:
            slot = (self._start + self._count) % self.slots
            self._count += 1
        else:
            slot = self._start
            self._start = (self._start + 1) % self.slots
        at = slot * (self.slot_size + _LEN_SIZE)
        pack_into(">H", self._buf, at, n)
        self._buf[at + _LEN_SIZE:at + _LEN_SIZE + n] = data

    def read(self, i):
        """Row i (0 = oldest) as a memoryview into the ring: copy it to keep it."""
        if not 0 <= i < self._count:
            raise IndexError("row %d of %d" % (i, self._count))
        at = ((self._start + i) % self.slots) * (self.slot_size + _LEN_SIZE)
        n = unpack_from(">H", self._buf, at)[0]
        return memoryview(self._buf)[at + _LEN_SIZE:at + _LEN_SIZE + n]

    def rows(self, first=0, stop=None):
        """Rows first..stop-1, oldest first, one at a time."""
        if stop is None or stop > self._count:
            stop = self._count
        for i in range(first, stop):
            yield self.read(i)

    def clear(self):
        self._start = 0
        self._count = 0


class MemoryStorage:
    """Records and rings in RAM: for tests, and for what need not survive a reset."""

    def __init__(self):
        self._records = {}

    def get(self, name):
        return self._records.get(name)

    def put(self, name, data):
        _check_name(name)
        self._records[name] = bytes(data)

    def delete(self, name):
        self._records.pop(name, None)

    def ring(self, name, slot_size, slots):
        return MemoryRing(slot_size, slots)

    def blob(self, name, size):
        from .blob import MemoryBlob  # image transfer's: a meter build may leave it out
        return MemoryBlob(size)


class FileStorage:
    """Records and rings as files under `root` (created if missing)."""

    def __init__(self, root, fs=None):
        self.root = root.rstrip("/")
        self.fs = fs if fs is not None else _Fs()
        self.fs.mkdir(self.root)

    def _path(self, name):
        return self.root + "/" + name

    def get(self, name):
        _check_name(name)
        path = self._path(name)
        data = self._read_valid(path)
        if data is None:
            # a cut between removing the old file and the rename (FAT): the
            # .tmp is then whole, which its CRC tells
            tmp = path + ".tmp"
            data = self._read_valid(tmp)
            if data is not None:
                try:
                    self.fs.rename(tmp, path)
                except OSError:
                    pass
        return data

    def _read_valid(self, path):
        try:
            f = self.fs.open(path, "rb")
        except OSError:
            return None
        try:
            raw = f.read()
        finally:
            f.close()
        if len(raw) < _CRC_SIZE:
            return None
        body = memoryview(raw)[:len(raw) - _CRC_SIZE]
        if unpack_from(">I", raw, len(raw) - _CRC_SIZE)[0] != crc32(body) & 0xFFFFFFFF:
            return None
        return bytes(body)

    def put(self, name, data):
        _check_name(name)
        path = self._path(name)
        tmp = path + ".tmp"
        f = self.fs.open(tmp, "wb")
        try:
            f.write(data)
            f.write(pack(">I", crc32(data) & 0xFFFFFFFF))
        finally:
            f.close()
        try:
            self.fs.rename(tmp, path)
        except OSError:  # FAT: rename does not replace an existing file
            self.fs.remove(path)
            self.fs.rename(tmp, path)

    def delete(self, name):
        _check_name(name)
        for p in (self._path(name), self._path(name) + ".tmp"):
            try:
                self.fs.remove(p)
            except OSError:
                pass

    def ring(self, name, slot_size, slots):
        return FileRing(self, name, slot_size, slots)

    def blob(self, name, size):
        from .blob import FileBlob
        return FileBlob(self, name, size)


class FileRing:
    """A ring of rows in `name.ring`, its (start, count) in the record `name`."""

    def __init__(self, storage, name, slot_size, slots):
        _check_name(name)
        if slot_size <= 0 or slots <= 0 or slot_size > 0xFFFF:
            raise StorageError("bad ring size")
        self.storage = storage
        self.name = name
        self.slot_size = slot_size
        self.slots = slots
        self._path = storage._path(name) + ".ring"
        self._start = 0
        self._count = 0
        head = storage.get(name)
        fs = storage.fs
        if head is not None and len(head) == 16:
            size, n, start, count = unpack_from(">IIII", head, 0)
            if size == slot_size and n == slots and start <= slots and count <= slots and fs.exists(self._path):
                self._start = start
                self._count = count
                return
        # a new ring (or one of another shape, which cannot be read): the
        # file of slots+1 slots, written once so that rows are written in place
        f = fs.open(self._path, "wb")
        try:
            blank = bytes(slot_size + _LEN_SIZE)
            for _ in range(slots + 1):
                f.write(blank)
        finally:
            f.close()
        self._save()

    def _save(self):
        self.storage.put(self.name, pack(">IIII", self.slot_size, self.slots, self._start, self._count))

    def __len__(self):
        return self._count

    def _at(self, slot):
        return slot * (self.slot_size + _LEN_SIZE)

    def append(self, data):
        n = len(data)
        if n > self.slot_size:
            raise StorageError("row of %d bytes in slots of %d" % (n, self.slot_size))
        total = self.slots + 1
        slot = (self._start + self._count) % total  # never a live slot: there is one spare
        f = self.storage.fs.open(self._path, "r+b")
        try:
            f.seek(self._at(slot))
            f.write(pack(">H", n) + bytes(data))
        finally:
            f.close()
        if self._count < self.slots:
            self._count += 1
            try:
                self._save()
            except Exception:
                self._count -= 1
                raise
        else:
            start = self._start
            self._start = (start + 1) % total
            try:
                self._save()
            except Exception:
                self._start = start
                raise

    def read(self, i):
        if not 0 <= i < self._count:
            raise IndexError("row %d of %d" % (i, self._count))
        f = self.storage.fs.open(self._path, "rb")
        try:
            return self._read_from(f, i)
        finally:
            f.close()

    def rows(self, first=0, stop=None):
        """Rows first..stop-1, oldest first, read 8 to an opening of the file: a
        long read (a profile sent block by block as the client asks) holds no file
        open between blocks."""
        if stop is None or stop > self._count:
            stop = self._count
        i = first
        while i < stop:
            n = min(8, stop - i)
            batch = [None] * n
            f = self.storage.fs.open(self._path, "rb")
            try:
                for k in range(n):
                    batch[k] = self._read_from(f, i + k)
            finally:
                f.close()
            for row in batch:
                yield row
            batch = None
            i += n

    def _read_from(self, f, i):
        f.seek(self._at((self._start + i) % (self.slots + 1)))
        head = f.read(_LEN_SIZE)
        if len(head) < _LEN_SIZE:
            raise StorageError("ring %s: file too short" % self.name)
        n = (head[0] << 8) | head[1]
        if n > self.slot_size:
            raise StorageError("ring %s: slot of %d bytes" % (self.name, n))
        return f.read(n)

    def clear(self):
        self._start = 0
        self._count = 0
        self._save()


def __getattr__(name):
    # MemoryBlob and FileBlob live in blob.py (image transfer's, not a meter's)
    if name == "MemoryBlob" or name == "FileBlob":
        from . import blob
        return getattr(blob, name)
    raise AttributeError(name)
