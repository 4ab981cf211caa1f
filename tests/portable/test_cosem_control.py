# heapsize: 128k
# (code: axdr, cosemdate, the server model and the cosem base, register, clock and control
# modules take ~85k of the 64-bit unix heap)
"""COSEM objects that act: Script table, Disconnect control, Register monitor,
Single action schedule, Limiter, Register activation."""

from checks import raises
from microcosem.axdr import (ARRAY, BOOLEAN, DOUBLE_LONG_UNSIGNED, ENUM, INTEGER, LONG, LONG_UNSIGNED,
                             OCTET_STRING, STRUCTURE, UNSIGNED)
from microcosem.cosem.base import sn_target
from microcosem.cosem.clock import Clock
from microcosem.cosem.control import (CONNECTED, DISCONNECTED, READY_FOR_RECONNECTION, DisconnectControl,
                                      Limiter, RegisterActivation, RegisterMonitor, ScriptTable,
                                      SingleActionSchedule)
from microcosem.cosem.register import Data, Register
from microcosem.cosemdate import DateTime, days_from_civil
from microcosem.errors import AccessError
from microcosem.server.model import ObjectModel


def _code(fn, *args):
    return raises(AccessError, fn, *args).result


def _ln(s):
    return bytes(int(x) for x in s.split("."))


def _item(ln, selector):
    return (STRUCTURE, ((OCTET_STRING, _ln(ln)), (LONG_UNSIGNED, selector)))


def _meter():
    relay = []
    dc = DisconnectControl("0.0.96.3.10.255", switch=relay.append, short_name=0x3000)
    counter = Data("0.0.96.15.0.255", value=(DOUBLE_LONG_UNSIGNED, 0))
    power = Register("1.0.1.7.0.255", value=(DOUBLE_LONG_UNSIGNED, 0))
    # script 1: remote_disconnect; 2: remote_reconnect; 3: write counter := 7
    spec = lambda sid, acts: (STRUCTURE, ((LONG_UNSIGNED, sid), (ARRAY, acts)))
    act = lambda service, cid, ln, idx, p: (STRUCTURE, ((ENUM, service), (LONG_UNSIGNED, cid),
                                                         (OCTET_STRING, _ln(ln)), (INTEGER, idx), p))
    scripts = ScriptTable("0.0.10.0.106.255", scripts=(ARRAY, (
        spec(1, (act(2, 70, "0.0.96.3.10.255", 1, (INTEGER, 0)),)),
        spec(2, (act(2, 70, "0.0.96.3.10.255", 2, (INTEGER, 0)),)),
        spec(3, (act(1, 1, "0.0.96.15.0.255", 2, (DOUBLE_LONG_UNSIGNED, 7)),)))))
    model = ObjectModel((dc, counter, power, scripts))
    scripts.model = model
    return model, relay, dc, counter, power, scripts


def test_script_table_runs_writes_and_methods():
    model, relay, dc, counter, power, scripts = _meter()
    assert scripts.action(1, (LONG_UNSIGNED, 3), None) is None
    assert counter.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 7)
    scripts.action(1, (LONG_UNSIGNED, 1), None)
    assert dc.get(3, None, None) == (ENUM, DISCONNECTED) and relay == [False]
    assert _code(scripts.action, 1, (LONG_UNSIGNED, 99), None) == 250
    assert _code(scripts.action, 1, (UNSIGNED, 1), None) == 12
    assert _code(scripts.set, 2, (ARRAY, [(UNSIGNED, 1)]), None) == 12
    assert sn_target(scripts.__class__("0.0.10.0.0.255", short_name=0x100), 0x120) == ("m", 1)


def test_disconnect_control_state_machine_mode_1():
    model, relay, dc, counter, power, scripts = _meter()
    assert dc.get(2, None, None) == (BOOLEAN, True) and dc.get(3, None, None) == (ENUM, CONNECTED)
    assert dc.get(4, None, None) == (ENUM, 1)
    dc.action(1, (INTEGER, 0), None)                      # b
    assert dc.get(3, None, None) == (ENUM, DISCONNECTED) and dc.get(2, None, None) == (BOOLEAN, False)
    dc.action(2, (INTEGER, 0), None)                      # d: mode 1 needs the button after
    assert dc.get(3, None, None) == (ENUM, READY_FOR_RECONNECTION) and dc.get(2, None, None)[1] is False
    assert not dc.local_reconnect()                       # h is not in mode 1
    assert dc.manual_reconnect()                          # e
    assert dc.get(3, None, None) == (ENUM, CONNECTED) and relay == [False, True]
    assert dc.manual_disconnect()                         # f
    assert dc.get(3, None, None) == (ENUM, READY_FOR_RECONNECTION) and relay == [False, True, False]
    dc.action(1, None, None)                              # c
    assert dc.get(3, None, None) == (ENUM, DISCONNECTED)
    dc.action(1, None, None)                              # already disconnected: no change
    assert relay == [False, True, False]


def test_disconnect_control_modes_2_and_0():
    model, relay, dc, counter, power, scripts = _meter()
    dc.set(4, (ENUM, 2), None)
    dc.action(1, (INTEGER, 0), None)
    dc.action(2, (INTEGER, 0), None)                      # a: straight back to connected
    assert dc.get(3, None, None) == (ENUM, CONNECTED) and relay == [False, True]
    dc.set(4, (ENUM, 4), None)
    assert not dc.manual_disconnect()                     # f is not in mode 4
    assert dc.local_disconnect()                          # g
    dc.set(4, (ENUM, 0), None)                            # mode 0: always connected
    assert dc.get(3, None, None) == (ENUM, CONNECTED)
    assert _code(dc.action, 1, (INTEGER, 0), None) == 250
    assert _code(dc.set, 4, (ENUM, 9), None) == 250
    assert _code(dc.set, 2, (BOOLEAN, False), None) == 3
    assert _code(dc.set, 4, (UNSIGNED, 1), None) == 12
    assert sn_target(dc, 0x3020) == ("m", 1) and sn_target(dc, 0x3028) == ("m", 2)


def _vd(cid, ln, attr=2):
    return (STRUCTURE, ((LONG_UNSIGNED, cid), (OCTET_STRING, _ln(ln)), (INTEGER, attr)))


def test_register_monitor_runs_up_and_down_actions():
    model, relay, dc, counter, power, scripts = _meter()
    mon = RegisterMonitor("0.0.16.1.0.255", model=model,
                          thresholds=(ARRAY, ((DOUBLE_LONG_UNSIGNED, 1000),)),
                          monitored_value=_vd(3, "1.0.1.7.0.255"),
                          actions=(ARRAY, ((STRUCTURE, (_item("0.0.10.0.106.255", 1),
                                                        _item("0.0.10.0.106.255", 2))),)))
    assert mon.tick() == 0
    power.value = (DOUBLE_LONG_UNSIGNED, 999)
    assert mon.tick() == 0
    power.value = (DOUBLE_LONG_UNSIGNED, 1500)
    assert mon.tick() == 1 and dc.get(3, None, None) == (ENUM, DISCONNECTED)
    assert mon.tick() == 0
    power.value = (DOUBLE_LONG_UNSIGNED, 10)
    assert mon.tick() == 1 and dc.get(3, None, None) == (ENUM, READY_FOR_RECONNECTION)
    assert mon.get(2, None, None) == (ARRAY, ((DOUBLE_LONG_UNSIGNED, 1000),))
    mon.monitored_value = _vd(3, "1.0.2.7.0.255")
    assert _code(mon.tick) == 11


def test_single_action_schedule_with_wildcards():
    model, relay, dc, counter, power, scripts = _meter()
    t = [days_from_civil(2026, 3, 2) * 86400 + 5 * 3600]  # a Monday, 05:00 UTC
    clock = Clock("0.0.1.0.0.255", time_source=lambda: t[0], time_zone=(LONG, -60))
    # every day at 06:30 local (05:30 UTC), any date
    sched = SingleActionSchedule("0.0.15.0.0.255", model=model,
                                 executed_script=_item("0.0.10.0.106.255", 3),
                                 execution_time=(ARRAY, ((STRUCTURE, ((OCTET_STRING, b"\x06\x1e\x00\xff"),
                                                                      (OCTET_STRING, b"\xff\xff\xff\xff\xff"))),)))
    assert sched.tick(clock) == 0
    t[0] += 29 * 60
    assert sched.tick(clock) == 0
    t[0] += 60
    assert sched.tick(clock) == 1 and counter.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 7)
    counter.value = (DOUBLE_LONG_UNSIGNED, 0)
    t[0] += 3 * 86400                                  # three days without ticks: the last
    assert sched.tick(clock) == 1                     # day's run only
    # only on Sundays (weekday 7)
    sched.set(4, (ARRAY, ((STRUCTURE, ((OCTET_STRING, b"\x06\x1e\x00\xff"),
                                      (OCTET_STRING, b"\xff\xff\xff\xff\x07"))),)), None)
    runs = 0
    for _ in range(7):
        t[0] += 86400
        runs += sched.tick(clock)
    assert runs == 1
    assert _code(sched.set, 4, (ARRAY, ((STRUCTURE, ((OCTET_STRING, b"\x06"), (OCTET_STRING, b"\xff"))),)), None) == 12
    et = lambda hh, date: (STRUCTURE, ((OCTET_STRING, bytes((hh, 0, 0, 0xFF))), (OCTET_STRING, date)))
    two = (ARRAY, (et(6, b"\xff\xff\xff\xff\xff"), et(7, b"\xff\xff\xff\xff\xff")))
    assert _code(sched.set, 4, two, None) == 250           # type 1: one entry
    sched.set(3, (ENUM, 5), None)
    sched.set(4, two, None)                                  # type 5: any times, wildcards
    sched.set(3, (ENUM, 3), None)
    assert _code(sched.set, 4, two, None) == 250           # type 3: one time for all
    sched.set(3, (ENUM, 4), None)
    assert _code(sched.set, 4, two, None) == 250           # type 4: no date wildcards
    sched.set(4, (ARRAY, (et(6, b"\x07\xea\x03\x09\x01"), et(7, b"\x07\xea\x03\x0a\x02"))), None)


def test_limiter_over_and_under_with_durations():
    model, relay, dc, counter, power, scripts = _meter()
    lim = Limiter("0.0.17.0.0.255", model=model, monitored_value=_vd(3, "1.0.1.7.0.255"),
                  threshold_normal=(DOUBLE_LONG_UNSIGNED, 5000),
                  min_over_threshold_duration=(DOUBLE_LONG_UNSIGNED, 60),
                  min_under_threshold_duration=(DOUBLE_LONG_UNSIGNED, 30),
                  actions=(STRUCTURE, (_item("0.0.10.0.106.255", 1), _item("0.0.10.0.106.255", 2))))
    power.value = (DOUBLE_LONG_UNSIGNED, 6000)
    assert lim.tick(0) is None and lim.tick(59) is None
    assert lim.tick(60) == "over" and dc.get(3, None, None) == (ENUM, DISCONNECTED)
    power.value = (DOUBLE_LONG_UNSIGNED, 100)
    assert lim.tick(100) is None
    power.value = (DOUBLE_LONG_UNSIGNED, 9000)   # back over: the under timer starts again
    assert lim.tick(120) is None
    power.value = (DOUBLE_LONG_UNSIGNED, 100)
    assert lim.tick(125) is None and lim.tick(150) is None
    assert lim.tick(155) == "under" and dc.get(3, None, None) == (ENUM, READY_FOR_RECONNECTION)
    assert lim.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, 5000)
    assert _code(lim.set, 3, (DOUBLE_LONG_UNSIGNED, 1), None) == 3


def test_limiter_emergency_profile():
    model, relay, dc, counter, power, scripts = _meter()
    start = DateTime.from_timestamp(1000, 0, 0).to_bytes()
    lim = Limiter("0.0.17.0.0.255", model=model, monitored_value=_vd(3, "1.0.1.7.0.255"),
                  threshold_normal=(DOUBLE_LONG_UNSIGNED, 5000), threshold_emergency=(DOUBLE_LONG_UNSIGNED, 2000),
                  emergency_profile=(STRUCTURE, ((LONG_UNSIGNED, 4), (OCTET_STRING, start), (DOUBLE_LONG_UNSIGNED, 600))),
                  emergency_profile_group_id_list=(ARRAY, ((LONG_UNSIGNED, 4),)),
                  actions=(STRUCTURE, (_item("0.0.10.0.106.255", 3), _item("0.0.0.0.0.0", 0))))
    power.value = (DOUBLE_LONG_UNSIGNED, 3000)
    assert lim.tick(999) is None and lim.get(10, None, None) == (BOOLEAN, False)
    assert lim.tick(1000) == "over" and lim.get(10, None, None) == (BOOLEAN, True)
    assert lim.get(3, None, None) == (DOUBLE_LONG_UNSIGNED, 2000)
    assert counter.get(2, None, None) == (DOUBLE_LONG_UNSIGNED, 7)
    assert lim.tick(1600) == "under"        # the emergency is over: 3000 < 5000 again


def test_register_activation_masks():
    model, relay, dc, counter, power, scripts = _meter()
    ra = RegisterActivation("0.0.14.0.1.255")
    od = lambda cid, ln: (STRUCTURE, ((LONG_UNSIGNED, cid), (OCTET_STRING, _ln(ln))))
    ra.action(1, od(3, "1.0.1.7.0.255"), None)
    ra.action(1, od(1, "0.0.96.15.0.255"), None)
    ra.action(2, (STRUCTURE, ((OCTET_STRING, b"T1"), (ARRAY, ((UNSIGNED, 1),)))), None)
    ra.action(2, (STRUCTURE, ((OCTET_STRING, b"T2"), (ARRAY, ((UNSIGNED, 1), (UNSIGNED, 2))))), None)
    assert not ra.is_active(power)
    ra.set(4, (OCTET_STRING, b"T1"), None)
    assert ra.is_active(power) and not ra.is_active(counter)
    ra.set(4, (OCTET_STRING, b"T2"), None)
    assert ra.is_active(counter)
    assert _code(ra.set, 4, (OCTET_STRING, b"T9"), None) == 250
    assert _code(ra.action, 2, (STRUCTURE, ((OCTET_STRING, b"T3"), (ARRAY, ((UNSIGNED, 3),)))), None) == 250
    ra.action(3, (OCTET_STRING, b"T1"), None)
    assert len(ra.get(3, None, None)[1]) == 1
    assert _code(ra.action, 3, (OCTET_STRING, b"T1"), None) == 250
    assert sn_target(RegisterActivation("0.0.14.0.1.255", short_name=0x500), 0x540) == ("m", 3)


def test_table_bind_gives_scripts_their_model():
    from microcosem.cosem.table import bind, build
    objs = build(((9, "0.0.10.0.0.255", None), (1, "0.0.96.1.0.255", {"value": (INTEGER, 1)})))
    model = bind(objs)
    assert objs[0].model is model and model.find(1, objs[1].logical_name) is objs[1]
