"""The meter of an STM32F4 Pyboard / Nucleo (see pins.py): HDLC on the optical
probe and RS-485 UARTs (TCP too on a board with Ethernet).

MicroPython runs this file at boot: microcosem/board.py's boot() serves the
meter of config.json until reset, through pins.Hardware.
"""

from microcosem import board

main = board.main  # main(config, hw, ready, serial_adapter): the tests give it a stand-in hw

if __name__ == "__main__":
    board.boot()
