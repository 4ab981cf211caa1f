"""The meter of an STM32F4 Pyboard / Nucleo (see pins.py): HDLC on the optical
probe and RS-485 UARTs (TCP too on a board with Ethernet).

MicroPython runs this file at boot.  It reads config.json from the board's
filesystem (addresses, passwords and keys, the objects: see
microcosem/board.py) and serves the meter until reset.  The hardware
(machine.UART, Pin, the network) is only touched through pins.Hardware, which
board.main() is given or makes, so the same file runs on the unix port in the
tests with a stand-in hardware object.
"""

from microcosem import board

main = board.main  # main(config, hw, ready, serial_adapter): the tests give it a stand-in hw

if __name__ == "__main__":
    board.boot()
