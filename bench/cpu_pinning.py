"""Web processes on one CPU, Celery on another: production's layout (workers on other machines)
on a single machine, with ``taskset``.

The processes are found under honcho by their command line and pinned with all their threads;
children they start later (a prefork child replaced, a uvicorn worker restarted) inherit the
parent's CPU. The load generator itself is left free.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import psutil

WEB_CPU = 0
WORKER_CPU = 1


def pinning_possible() -> bool:
    """Two CPUs at least, and taskset to pin with: the default of bench/stack.py and load.py."""
    return (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None


def _role(process: psutil.Process) -> str | None:
    try:
        command = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None
    if "uvicorn" in command:
        return "web"
    if "celery" in command:
        return "worker"  # workers and beat: everything that is not answering requests
    return None


def pin_stack(honcho_pid: int) -> dict[str, list[int]]:
    """Pin each of honcho's processes with everything under it; returns the pids per role.

    The role comes from anywhere in the subtree: uvicorn's worker processes are spawned
    (``python -c "from multiprocessing.spawn ..."``), so only their parent says "uvicorn".
    """
    pinned: dict[str, list[int]] = {"web": [], "worker": []}
    for child in psutil.Process(honcho_pid).children():
        tree = [child, *child.children(recursive=True)]
        role = next((role for role in map(_role, tree) if role), None)
        if role is None:
            continue
        cpu = WEB_CPU if role == "web" else WORKER_CPU
        for process in tree:
            result = subprocess.run(
                ["taskset", "-a", "-p", "-c", str(cpu), str(process.pid)], capture_output=True, text=True
            )
            if result.returncode == 0:
                pinned[role].append(process.pid)
    return pinned
