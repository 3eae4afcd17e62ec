# SPDX-License-Identifier: MIT
"""What Kronos's plotting scripts (plot_bench.py, profile_png.py) share: matplotlib's pyplot with
the Agg backend. Debian's python3-matplotlib is installed for /usr/bin/python3; a script run by
another Python without matplotlib (a virtual environment, pyenv) runs again under that one."""
import os
import sys

SYSTEM_PYTHON = "/usr/bin/python3"


def pyplot(tool):
    """matplotlib.pyplot (Agg), re-executing the running script under SYSTEM_PYTHON where this
    Python lacks matplotlib; exits with a message naming `tool` where no Python has it."""
    try:
        import matplotlib
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and \
                os.access(SYSTEM_PYTHON, os.X_OK) and not os.environ.get("KRONOS_PLOT_REEXEC"):
            os.environ["KRONOS_PLOT_REEXEC"] = "1"
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
        sys.exit(f"{tool}: matplotlib is missing (Debian: apt-get install python3-matplotlib)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt
