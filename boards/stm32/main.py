"""The meter of an STM32F4 Pyboard / Nucleo (see pins.py): HDLC on the optical
probe and RS-485 UARTs (TCP too on a board with Ethernet).

MicroPython runs this file at boot.  It reads config.json from the board's
filesystem (addresses, passwords and keys, the objects: see
microcosem/board.py) and serves the meter until reset.  The hardware
(machine.UART, Pin, the network) is only touched through pins.Hardware, which
main() is given or makes, so the same file runs on the unix port in the
tests with a stand-in hardware object.
"""

import asyncio

from microcosem import board

CONFIG = "config.json"


def hardware(conf):
    import pins  # the one import that needs the board's machine module

    return pins.Hardware(conf)


def main(config=CONFIG, hw=None, ready=None, serial_adapter=None):
    conf = board.load(config)
    if hw is None:
        hw = hardware(conf)
    asyncio.run(board.run(conf, hw, ready, serial_adapter))


if __name__ == "__main__":
    try:
        main()
    except board.ConfigError as e:  # a wrong config.json: say so and leave the REPL free
        print("microcosem: %s: %s" % (CONFIG, e))
