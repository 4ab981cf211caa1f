"""STM32F4 (Pyboard v1.1, STM32F405; or a Nucleo-F401RE/F411RE): the meter's pins.

                    Pyboard v1.1                    Nucleo-F4 (Arduino header)
    optical probe   UART6  TX Y1 (PC6) RX Y2 (PC7)  USART6 TX PC6 (morpho) RX PC7 (D9)
    RS-485          UART3  TX Y9 (PB10) RX Y10 (PB11), DE Y11 (PB0)
                                                    USART1 TX PA9 (D8) RX PA10 (D2), DE PB0 (A3)
    status LED      LED(2) green (PA14)             LD2 PA5 (D13)
    S0 pulse input  X1 (PA0), pull-up inside        PA0 (A0), pull-up inside

Why these pins: the REPL uses USB on the Pyboard and USART2 (PA2/PA3, the
ST-LINK virtual COM port) on a Nucleo, so neither is taken.  UART6 and
UART3 (Pyboard) / USART1 (Nucleo) are full UARTs on pins with no other role
on those boards; PB0 is a plain GPIO, low after reset, so the RS-485
driver stays off while the board boots.  The STM32 UART cannot go below
about 1300 baud from the default clock (a 16-bit BRR), so the optical port
runs HDLC directly at 9600 baud (IEC 62056-46 without the 300-baud
IEC 62056-21 opening), as most meters' optical ports also allow.

These boards have no network of their own: the meter serves the serial
links.  A Nucleo-F429ZI (Ethernet) joins through network.LAN when the
configuration has "lan": true.  A pins.py on /flash overrides the frozen one.
"""

import os

from machine import UART, WDT, Pin

from microcosem.compat import unix_time

NUCLEO = "NUCLEO" in os.uname().machine.upper()

if NUCLEO:
    OPTICAL = 6
    RS485 = 1
    RS485_DE = "B0"
    LED = "A5"
    S0 = "A0"
else:  # Pyboard
    OPTICAL = 6
    RS485 = 3
    RS485_DE = "Y11"
    LED = None  # pyb.LED(2)
    S0 = "X1"


class Hardware:
    """What microcosem.board asks of a board (see its docstring)."""

    def __init__(self, conf):
        self.conf = conf
        if LED is None:
            import pyb

            self._led = pyb.LED(2)
        else:
            self._led = Pin(LED, Pin.OUT, value=0)
        self.pulses = 0
        s0 = conf.get("s0") or {}
        self._wh_per_pulse = 1000.0 / s0.get("imp_per_kwh", 1000)
        self._pulse_base = s0.get("start_wh", 0)
        self._s0 = Pin(S0, Pin.IN, Pin.PULL_UP)
        self._s0.irq(self._pulse, Pin.IRQ_FALLING)
        # "watchdog_s": a board whose meter loop stops is reset.  Off by default:
        # once started a watchdog cannot be stopped, not even from the REPL.
        wd = conf.get("watchdog_s")
        self._wdt = WDT(timeout=int(wd * 1000)) if wd else None

    def feed(self):
        if self._wdt is not None:
            self._wdt.feed()

    def _pulse(self, pin):
        self.pulses += 1  # small ints: the IRQ allocates nothing

    def time(self):
        return unix_time()  # the RTC (battery-backed on the Pyboard)

    def source(self, name):
        if name == "pulse_wh":
            return lambda: self._pulse_base + self.pulses * self._wh_per_pulse
        return None

    def led(self, on):
        if LED is None:
            self._led.on() if on else self._led.off()
        else:
            self._led.value(1 if on else 0)

    def uart(self, name, baud):
        if name == "optical":
            uid, de = OPTICAL, None
        elif name == "rs485":
            uid, de = RS485, Pin(RS485_DE, Pin.OUT, value=0)
        else:
            raise ValueError("no UART %r on this board (optical, rs485)" % name)
        # STM32 wants every framing argument at construction (no partial init)
        return UART(uid, baud, bits=8, parity=None, stop=1, timeout=0, rxbuf=1024), de

    def network(self, conf):
        if not conf.get("lan"):
            return False
        try:
            import network

            lan = network.LAN()
            lan.active(True)
        except (ImportError, AttributeError, OSError) as e:
            print("microcosem: no LAN on this board: %r" % (e,))
            return False
        import time

        t0 = time.ticks_ms()
        while not lan.isconnected() and time.ticks_diff(time.ticks_ms(), t0) < 10000:
            time.sleep_ms(100)  # the PHY negotiates and DHCP answers in a few seconds
        return lan.isconnected()
