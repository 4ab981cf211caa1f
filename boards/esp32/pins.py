"""ESP32 (ESP32-WROOM-32 on a DevKitC-class board): the meter's pins and devices.

    optical probe   UART2  TX GPIO17  RX GPIO16   (IEC 62056-21 head: IR LED + phototransistor)
    RS-485          UART1  TX GPIO25  RX GPIO26   DE GPIO27 (MAX3485 DE and /RE tied)
    status LED      GPIO2  (the DevKitC's blue LED; high = on)
    S0 pulse input  GPIO34 (falling edge; needs an external 10k pull-up to 3V3)

Why these pins: UART0 (GPIO1/3) is the REPL over USB and stays free for
mpremote.  UART1's default pins GPIO9/10 are the SPI flash on WROOM modules,
so UART1 is routed to GPIO25/26 (no boot strapping role, no ADC2/WiFi
conflict for digital use); UART2 keeps its usual GPIO16/17.  GPIO27 drives
the transceiver's DE: it is low after reset, so the RS-485 line is not
driven while the board boots.  GPIO34 is input-only (no pull-ups inside):
the right kind of pin for an S0 open-collector output, which brings its own
pull-up.  GPIO2 is a strapping pin, harmless as an LED output after boot.

A pins.py on the board's filesystem takes precedence over the frozen one
(sys.path is '', '.frozen', '/lib'), so a board with other wiring needs
only that file.
"""

import time

from machine import UART, WDT, Pin

from microcosem.compat import unix_time

OPTICAL = (2, 17, 16)         # (UART id, TX, RX)
RS485 = (1, 25, 26)
RS485_DE = 27
LED = 2
S0 = 34

WIFI_TIMEOUT_MS = 15000


class Hardware:
    """What microcosem.board asks of a board (see its docstring)."""

    def __init__(self, conf):
        self.conf = conf
        self._led = Pin(LED, Pin.OUT, value=0)
        self.pulses = 0
        s0 = conf.get("s0") or {}
        self._wh_per_pulse = 1000.0 / s0.get("imp_per_kwh", 1000)
        self._pulse_base = s0.get("start_wh", 0)
        self._s0 = Pin(S0, Pin.IN)
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
        return unix_time()  # the RTC, from 1970 whatever epoch the port counts from

    def source(self, name):
        if name == "pulse_wh":
            return lambda: self._pulse_base + self.pulses * self._wh_per_pulse
        return None

    def led(self, on):
        self._led.value(1 if on else 0)

    def uart(self, name, baud):
        if name == "optical":
            uid, tx, rx = OPTICAL
            de = None
        elif name == "rs485":
            uid, tx, rx = RS485
            de = Pin(RS485_DE, Pin.OUT, value=0)
        else:
            raise ValueError("no UART %r on this board (optical, rs485)" % name)
        return UART(uid, baudrate=baud, tx=tx, rx=rx, rxbuf=1024, timeout=0), de

    def network(self, conf):
        """Join the WiFi of conf["wifi"] ({"ssid", "password"}); True once up."""
        w = conf.get("wifi")
        if not w:
            return False
        import network

        sta = network.WLAN(network.STA_IF)
        sta.active(True)
        if not sta.isconnected():
            sta.connect(w["ssid"], w.get("password", ""))
            t0 = time.ticks_ms()
            while not sta.isconnected():
                if time.ticks_diff(time.ticks_ms(), t0) > WIFI_TIMEOUT_MS:
                    print("microcosem: WiFi %r not joined" % w["ssid"])
                    return False
                time.sleep_ms(100)
        print("microcosem: WiFi up, %s" % sta.ifconfig()[0])
        try:
            import ntptime

            ntptime.settime()  # the clock object reads the RTC
        except Exception as e:  # no NTP server reachable: the RTC keeps what it has
            print("microcosem: NTP failed: %r" % (e,))
        return True
