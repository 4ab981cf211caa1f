"""The boards' pins.py with stand-ins for machine, pyb and network: the UARTs and
pins each link gets (and their arguments), the driver-enable pin low from the
start, the S0 pulse counter behind the "pulse_wh" source, the LED, and the
network bring-up.  This checks the code paths, not the boards: no board ran here."""

import importlib.util
import os
import sys
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Pin:
    IN, OUT, PULL_UP, IRQ_FALLING = 1, 2, 3, 4
    made = []

    def __init__(self, pin, mode=None, pull=None, value=None):
        self.pin, self.mode, self.pull, self.v = pin, mode, pull, value
        self.handler = None
        Pin.made.append(self)

    def irq(self, handler, trigger):
        self.handler, self.trigger = handler, trigger

    def value(self, v=None):
        if v is None:
            return self.v
        self.v = v


class UART:
    def __init__(self, uid, *args, **kw):
        self.uid, self.args, self.kw = uid, args, kw


class WDT:
    made = []

    def __init__(self, timeout):
        self.timeout, self.fed = timeout, 0
        WDT.made.append(self)

    def feed(self):
        self.fed += 1


class Led:
    def __init__(self, n):
        self.n, self.lit = n, False

    def on(self):
        self.lit = True

    def off(self):
        self.lit = False


def load_pins(board, monkeypatch, machine_name="linux"):
    Pin.made = []
    machine = types.ModuleType("machine")
    machine.Pin, machine.UART, machine.WDT = Pin, UART, WDT
    WDT.made = []
    pyb = types.ModuleType("pyb")
    pyb.LED = Led
    monkeypatch.setitem(sys.modules, "machine", machine)
    monkeypatch.setitem(sys.modules, "pyb", pyb)
    monkeypatch.setattr(os, "uname", lambda: types.SimpleNamespace(machine=machine_name))
    spec = importlib.util.spec_from_file_location("pins_" + board,
                                                  os.path.join(ROOT, "boards", board, "pins.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _by_pin(name):
    return [p for p in Pin.made if p.pin == name]


def test_esp32_pins(monkeypatch):
    pins = load_pins("esp32", monkeypatch)
    hw = pins.Hardware({"s0": {"imp_per_kwh": 500, "start_wh": 10}})
    (s0,) = _by_pin(34)
    assert s0.mode == Pin.IN and s0.trigger == Pin.IRQ_FALLING
    wh = hw.source("pulse_wh")
    assert wh() == 10 and hw.source("volts") is None
    s0.handler(s0)
    s0.handler(s0)
    assert wh() == 14  # 2 pulses at 500 imp/kWh = 2 Wh each
    uart, de = hw.uart("rs485", 9600)
    assert (uart.uid, uart.kw["tx"], uart.kw["rx"], uart.kw["baudrate"]) == (1, 25, 26, 9600)
    assert de.pin == 27 and de.mode == Pin.OUT and de.v == 0  # the line is not driven at start
    uart, de = hw.uart("optical", 9600)
    assert (uart.uid, uart.kw["tx"], uart.kw["rx"], de) == (2, 17, 16, None)
    with pytest.raises(ValueError):
        hw.uart("spare", 9600)
    (led,) = _by_pin(2)
    hw.led(True)
    assert led.v == 1
    hw.led(False)
    assert led.v == 0
    assert hw.network({}) is False  # no "wifi" section: no TCP
    hw.feed()  # no watchdog unless configured
    assert WDT.made == []
    hw = pins.Hardware({"watchdog_s": 30})
    hw.feed()
    assert WDT.made[0].timeout == 30000 and WDT.made[0].fed == 1
    assert abs(hw.time() - __import__("time").time()) < 5


class _Wlan:
    STA_IF = 0

    def __init__(self, iface):
        self.on = False
        self.joined = None

    def active(self, on):
        self.on = on

    def isconnected(self):
        return self.joined is not None

    def connect(self, ssid, password):
        self.joined = (ssid, password)

    def ifconfig(self):
        return ("192.0.2.7", "255.255.255.0", "192.0.2.1", "192.0.2.1")


def test_esp32_wifi(monkeypatch, capsys):
    pins = load_pins("esp32", monkeypatch)
    network = types.ModuleType("network")
    network.STA_IF = 0
    network.WLAN = _Wlan
    monkeypatch.setitem(sys.modules, "network", network)
    ntptime = types.ModuleType("ntptime")
    ntptime.settime = lambda: (_ for _ in ()).throw(OSError("no route"))
    monkeypatch.setitem(sys.modules, "ntptime", ntptime)
    monkeypatch.setattr(pins.time, "ticks_ms", lambda: 0, raising=False)
    monkeypatch.setattr(pins.time, "ticks_diff", lambda a, b: a - b, raising=False)
    monkeypatch.setattr(pins.time, "sleep_ms", lambda ms: None, raising=False)
    hw = pins.Hardware({})
    assert hw.network({"wifi": {"ssid": "meter-lan", "password": "pw"}}) is True
    out = capsys.readouterr().out
    assert "WiFi up, 192.0.2.7" in out and "NTP failed" in out


@pytest.mark.parametrize("machine_name,rs485,de,led,s0", [
    ("PYBv1.1 with STM32F405RG", 3, "Y11", None, "X1"),
    ("NUCLEO-F411RE with STM32F411xE", 1, "B0", "A5", "A0"),
])
def test_stm32_pins(monkeypatch, machine_name, rs485, de, led, s0):
    pins = load_pins("stm32", monkeypatch, machine_name)
    hw = pins.Hardware({})
    (s0_pin,) = _by_pin(s0)
    assert s0_pin.pull == Pin.PULL_UP and s0_pin.trigger == Pin.IRQ_FALLING
    s0_pin.handler(s0_pin)
    assert hw.source("pulse_wh")() == 1.0  # 1000 imp/kWh by default
    uart, de_pin = hw.uart("rs485", 9600)
    assert uart.uid == rs485 and uart.args == (9600,)
    # STM32 takes the whole framing at construction
    assert uart.kw == {"bits": 8, "parity": None, "stop": 1, "timeout": 0, "rxbuf": 1024}
    assert de_pin.pin == de and de_pin.v == 0
    uart, de_pin = hw.uart("optical", 9600)
    assert uart.uid == 6 and de_pin is None
    hw.led(True)
    if led is None:
        assert hw._led.n == 2 and hw._led.lit
    else:
        assert _by_pin(led)[0].v == 1
    assert hw.network({}) is False
