"""The seeded generator of the fuzz tests: a linear congruential generator
(the C library's constants), so the same seed gives the same cases on
CPython and on MicroPython, whose `random` differs or is absent."""


class Rand:
    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        """A number in 0 .. n-1."""
        self.s = (self.s * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.s >> 8) % n

    def bytes(self, n):
        return bytes(self.next(256) for _ in range(n))
