# heapsize: 160k
# (acse, common with the A-XDR codec, get, initiate and apdu/names.py, all the name
# tables: measured need 148k on the 64-bit unix port, which keeps the .mpy code in the heap)
"""apdu/names.py: the tables the APDU modules serve, a class's NAMES, on both runtimes."""

from microcosem.apdu import acse, common, get, initiate
from microcosem.apdu import names


def test_modules_serve_the_tables_and_constants_of_names():
    assert acse.RESULT_NAMES is names.RESULT_NAMES
    assert common.DATA_ACCESS_RESULT_NAMES is names.DATA_ACCESS_RESULT_NAMES
    assert get.GET_REQUEST == 0xC0 and common.PRIORITY_HIGH == 0x80
    assert initiate.CONFORMANCE_GENERAL_PROTECTION == 0x400000
    from microcosem.apdu.acse import MECHANISM_HIGH_GMAC
    assert MECHANISM_HIGH_GMAC == 5


def test_unknown_names_stay_unknown():
    for mod in (acse, common, get, initiate):
        try:
            getattr(mod, "NO_SUCH_NAME")
        except AttributeError:
            continue
        raise AssertionError(mod)
    try:
        acse.__no_such_dunder__
    except AttributeError:
        pass
    else:
        raise AssertionError("dunder served")


def test_class_names_give_field_and_table():
    pairs = list(get.GetResponseNormal.NAMES)
    assert pairs == [("result", names.DATA_ACCESS_RESULT_NAMES)]
    for field, table in acse.AARE.NAMES:
        assert field in acse.AARE.FIELDS
        assert table and all(type(c) is int and type(n) is str for c, n in table)
    assert list(get.GetRequestNormal.NAMES) == []


def test_name_functions():
    assert common.data_access_result_name(4) == "object-undefined"
    assert common.action_result_name(16) == "no-long-action-in-progress"
    assert acse.diagnostic_name((1, 13)) == "acse-service-user: authentication-failure"
    assert initiate.conformance_names(0x000010) == ("get",)
