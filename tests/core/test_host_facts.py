import sys
import sysconfig

from gilviz.core.host_facts import gil_enabled, interpreter_facts


def test_facts_match_the_running_interpreter():
    facts = interpreter_facts()
    assert facts["free_threaded"] == bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    if hasattr(sys, "_is_gil_enabled"):
        assert facts["gil_enabled"] == sys._is_gil_enabled()
    else:
        assert facts["gil_enabled"] is True  # before 3.13 every build has a GIL
    assert facts["cores"] >= 1 and facts["python"] == sys.version.split()[0]
    assert gil_enabled() == facts["gil_enabled"]
