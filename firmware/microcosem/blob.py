"""Random-access blobs of storage.py (`st.blob(name, size)`): a firmware image
being transferred (cosem/image.py), written block by block, read back to verify.

Kept apart from storage.py, whose records and rings every meter uses, so that
a build without image transfer leaves them out; `from microcosem.storage
import MemoryBlob, FileBlob` still works.
"""

from .storage import StorageError, _check_name


class MemoryBlob:
    """`size` bytes of random access in one bytearray (a firmware image, say)."""

    def __init__(self, size):
        self.size = size
        self._buf = bytearray(size)

    def write(self, offset, data):
        if offset < 0 or offset + len(data) > self.size:
            raise StorageError("write past the end of a %d-byte blob" % self.size)
        self._buf[offset:offset + len(data)] = data

    def read(self, offset, n):
        if offset < 0 or offset + n > self.size:
            raise StorageError("read past the end of a %d-byte blob" % self.size)
        return memoryview(self._buf)[offset:offset + n]


class FileBlob:
    """`size` bytes of random access in the file `name.blob` (kept if it has that size)."""

    def __init__(self, storage, name, size):
        _check_name(name)
        self.size = size
        self.fs = storage.fs
        self._path = storage._path(name) + ".blob"
        try:
            f = self.fs.open(self._path, "rb")
            f.seek(0, 2)
            have = f.tell()
            f.close()
        except OSError:
            have = -1
        if have != size:
            f = self.fs.open(self._path, "wb")
            try:
                zeros = bytes(512)
                left = size
                while left > 0:
                    n = min(left, 512)
                    f.write(zeros if n == 512 else zeros[:n])
                    left -= n
            finally:
                f.close()

    def write(self, offset, data):
        if offset < 0 or offset + len(data) > self.size:
            raise StorageError("write past the end of a %d-byte blob" % self.size)
        f = self.fs.open(self._path, "r+b")
        try:
            f.seek(offset)
            f.write(data)
        finally:
            f.close()

    def read(self, offset, n):
        if offset < 0 or offset + n > self.size:
            raise StorageError("read past the end of a %d-byte blob" % self.size)
        f = self.fs.open(self._path, "rb")
        try:
            f.seek(offset)
            return f.read(n)
        finally:
            f.close()
