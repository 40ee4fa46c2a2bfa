"""CPU time spent by a process and its children, read from /proc (Linux), for the rush's
CPU-seconds per director: gunicorn's master, its live workers, and the workers it has reaped
(their time is in the master's cutime/cstime)."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(parent pid, utime, stime, cutime, cstime) in ticks; None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: the fields start after its ")".
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), *(int(value) for value in fields[11:15])


def _children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat is not None and stat[0] == pid:
                found.append(int(entry.name))
    return found


def tree_seconds(pid):
    """CPU-seconds used so far by `pid`, its live children and the children it has reaped."""
    own = _stat(pid)
    if own is None:
        return 0.0
    ticks = sum(own[1:])
    for child in _children(pid):
        stat = _stat(child)
        if stat is not None:
            ticks += stat[1] + stat[2]
    return ticks / TICKS


def machine_seconds():
    """CPU-seconds every core has spent busy since boot (all but idle and iowait)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICKS
