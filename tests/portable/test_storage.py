# heapsize: 64k
"""Storage: records replaced all or nothing, rings of rows, and a power cut
at every byte of a write (the old value survives, or the new one is whole)."""

import os

from checks import raises
from microcosem.storage import FileStorage, MemoryRing, MemoryStorage, StorageError, _Fs


class PowerCut(Exception):
    pass


class CutFs(_Fs):
    """Power goes after `budget` events: each byte written, each rename and remove."""

    def __init__(self, budget, fat=False):
        self.budget = budget
        self.fat = fat

    def _spend(self):
        if self.budget <= 0:
            raise PowerCut()
        self.budget -= 1

    def open(self, path, mode):
        return _CutFile(self, _Fs.open(self, path, mode))

    def rename(self, a, b):
        self._spend()
        if self.fat and self.exists(b):
            raise OSError(17)  # FAT: EEXIST
        _Fs.rename(self, a, b)

    def remove(self, path):
        self._spend()
        _Fs.remove(self, path)


class _CutFile:
    def __init__(self, fs, f):
        self.fs = fs
        self.f = f

    def write(self, data):
        for i in range(len(data)):
            try:
                self.fs._spend()
            except PowerCut:
                self.f.write(bytes(data[:i]))
                self.f.close()  # what reached the flash stays
                raise
        return self.f.write(data)

    def read(self, n=-1):
        return self.f.read(n)

    def seek(self, pos):
        return self.f.seek(pos)

    def close(self):
        self.f.close()


def _tmpdir():
    d = "/tmp/mcs_%s" % os.urandom(4).hex()
    return d


def _rmtree(d):
    try:
        names = os.listdir(d)
    except OSError:
        return
    for n in names:
        os.remove(d + "/" + n)
    os.rmdir(d)


def test_memory_storage_records():
    st = MemoryStorage()
    assert st.get("a") is None
    st.put("a", bytearray(b"1"))
    assert st.get("a") == b"1"
    st.delete("a")
    assert st.get("a") is None
    raises(StorageError, st.put, "x/y", b"")


def test_memory_ring_keeps_the_newest_rows():
    r = MemoryRing(4, 3)
    assert len(r) == 0
    for i in range(5):
        r.append(bytes([i]) * (i % 4 + 1))
    assert len(r) == 3
    assert [bytes(x) for x in r.rows()] == [b"\x02\x02\x02", b"\x03\x03\x03\x03", b"\x04"]
    assert bytes(r.read(2)) == b"\x04"
    raises(IndexError, r.read, 3)
    raises(StorageError, r.append, b"12345")
    r.clear()
    assert len(r) == 0 and list(r.rows()) == []


def test_file_records_survive_reopening():
    d = _tmpdir()
    try:
        st = FileStorage(d)
        assert st.get("k") is None
        st.put("k", b"first")
        st.put("k", b"second")
        assert FileStorage(d).get("k") == b"second"
        st.delete("k")
        assert FileStorage(d).get("k") is None
        raises(StorageError, st.get, "k.tmp")
    finally:
        _rmtree(d)


def test_file_record_torn_at_every_byte():
    for fat in (False, True):
        d = _tmpdir()
        try:
            FileStorage(d).put("ic", b"old-value")
            new = b"the new value, longer"
            events = len(new) + 4 + (3 if fat else 1)  # bytes + CRC, then the renames
            for cut in range(events + 1):
                st = FileStorage(d, CutFs(cut, fat))
                try:
                    st.put("ic", new)
                    done = True
                except PowerCut:
                    done = False
                got = FileStorage(d).get("ic")
                if done:
                    assert got == new
                    FileStorage(d).put("ic", b"old-value")
                else:
                    # the old record, or (cut after the rename on FAT) the whole new one
                    assert got in (b"old-value", new), (fat, cut, got)
                    if got == new:
                        FileStorage(d).put("ic", b"old-value")
            assert cut == events and done
        finally:
            _rmtree(d)


def test_file_record_with_bad_crc_is_absent():
    d = _tmpdir()
    try:
        st = FileStorage(d)
        st.put("k", b"value")
        f = open(d + "/k", "r+b")
        f.seek(1)
        f.write(b"X")
        f.close()
        assert st.get("k") is None
    finally:
        _rmtree(d)


def test_file_ring_rows_and_reopen():
    d = _tmpdir()
    try:
        st = FileStorage(d)
        r = st.ring("lp", 8, 3)
        for i in range(4):
            r.append(b"row%d" % i)
        assert len(r) == 3
        assert list(r.rows()) == [b"row1", b"row2", b"row3"]
        r2 = FileStorage(d).ring("lp", 8, 3)
        assert len(r2) == 3 and r2.read(0) == b"row1" and list(r2.rows(1, 2)) == [b"row2"]
        r3 = FileStorage(d).ring("lp", 8, 5)   # another shape starts empty
        assert len(r3) == 0
        r3.append(b"x")
        r3.clear()
        assert len(FileStorage(d).ring("lp", 8, 5)) == 0
    finally:
        _rmtree(d)


def test_file_ring_torn_append_keeps_old_rows():
    d = _tmpdir()
    try:
        r = FileStorage(d).ring("lp", 6, 2)
        r.append(b"aaaa")
        r.append(b"bbbb")
        for cut in range(40):
            st = FileStorage(d, CutFs(cut))
            ring = st.ring("lp", 6, 2)
            try:
                ring.append(b"cccccc")
                done = True
            except PowerCut:
                done = False
            rows = list(FileStorage(d).ring("lp", 6, 2).rows())
            if done:
                assert rows == [b"bbbb", b"cccccc"]
                break
            assert rows == [b"aaaa", b"bbbb"], (cut, rows)
        assert done
    finally:
        _rmtree(d)


def test_blobs_random_access():
    m = MemoryStorage().blob("img", 10)
    m.write(8, b"yz")
    m.write(0, b"ab")
    assert bytes(m.read(0, 10)) == b"ab" + bytes(6) + b"yz"
    raises(StorageError, m.write, 9, b"12")
    d = _tmpdir()
    try:
        b = FileStorage(d).blob("img", 1000)
        b.write(600, b"block")
        b.write(0, b"head")
        b2 = FileStorage(d).blob("img", 1000)     # same size: kept
        assert b2.read(600, 5) == b"block" and b2.read(0, 4) == b"head"
        raises(StorageError, b2.read, 998, 5)
        b3 = FileStorage(d).blob("img", 20)       # another size: a new, zeroed blob
        assert b3.read(0, 20) == bytes(20)
    finally:
        _rmtree(d)


def test_file_ring_reads_many_rows_in_batches():
    d = _tmpdir()
    try:
        r = FileStorage(d).ring("lp", 4, 20)
        for i in range(25):
            r.append(b"%d" % i)
        assert list(r.rows()) == [b"%d" % i for i in range(5, 25)]
        assert list(r.rows(7, 18)) == [b"%d" % i for i in range(12, 23)]
        assert list(r.rows(19, 99)) == [b"24"] and list(r.rows(20)) == []
    finally:
        _rmtree(d)
