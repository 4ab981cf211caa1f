"""A serial port of a Unix host (a USB probe, an RS-485 dongle, a pty) as the
UART the serial loops take: read(n) -> bytes (b"" when nothing came),
write(data), set_line((baud, data_bits, parity, stop_bits)).

The same on CPython and on the MicroPython unix port, through `termios`
alone (CPython's setraw lives in `tty`, MicroPython's in `termios`): raw mode
with VMIN = VTIME = 0, so a read returns at once with what the driver holds.  MicroPython's termios names only the fast baud rates, so the
speed and the framing bits are Linux's own numbers, written out here.
"""

import termios

# Linux <asm-generic/termbits.h>
_BAUD = ((300, 0o7), (600, 0o10), (1200, 0o11), (2400, 0o13), (4800, 0o14), (9600, 0o15),
         (19200, 0o16), (38400, 0o17), (57600, 0o10001), (115200, 0o10002))
_CBAUD = 0o10017
_CSIZE = 0o60
_CS7 = 0o40
_CS8 = 0o60
_CSTOPB = 0o100
_PARENB = 0o400
_PARODD = 0o1000
_VTIME = 5
_VMIN = 6
# raw mode, as cfmakeraw(3) makes it: no line editing, no echo, no signals,
# no CR/LF translation, 8 bits through
_IFLAG_OFF = 0o1 | 0o2 | 0o10 | 0o40 | 0o100 | 0o200 | 0o400 | 0o2000  # IGNBRK..IXON
_OFLAG_OFF = 0o1                                                     # OPOST
_LFLAG_OFF = 0o10 | 0o100 | 0o2 | 0o1 | 0o100000                     # ECHO ECHONL ICANON ISIG IEXTEN


class Tty:
    def __init__(self, path, line=(9600, 8, None, 1)):
        try:
            self._f = open(path, "r+b", buffering=0)
        except TypeError:  # MicroPython's open takes no buffering
            self._f = open(path, "r+b")
        self.fd = self._f.fileno()
        self.set_line(line)

    def set_line(self, line):
        baud, bits, parity, stop = line
        speed = None
        for b, code in _BAUD:
            if b == baud:
                speed = code
        if speed is None:
            raise ValueError("baud rate %r is not one this port takes" % (baud,))
        a = termios.tcgetattr(self.fd)
        a[0] &= ~_IFLAG_OFF
        a[1] &= ~_OFLAG_OFF
        a[3] &= ~_LFLAG_OFF
        cflag = a[2] & ~(_CBAUD | _CSIZE | _CSTOPB | _PARENB | _PARODD)
        cflag |= speed | (_CS7 if bits == 7 else _CS8)
        if stop == 2:
            cflag |= _CSTOPB
        if parity == "E":
            cflag |= _PARENB
        elif parity == "O":
            cflag |= _PARENB | _PARODD
        a[2] = cflag
        a[4] = a[5] = speed
        cc = a[6]
        cc[_VMIN] = 0
        cc[_VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, a)
        self.line = tuple(line)

    def read(self, n):
        data = self._f.read(n)
        return data or b""

    def write(self, data):
        view = memoryview(data)
        while len(view):
            sent = self._f.write(view)
            if not sent:
                continue
            view = view[sent:]

    def close(self):
        self._f.close()
