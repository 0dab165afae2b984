#!/usr/bin/env python3
"""Hold one thread of a process still, the others running, as a debugger or a
stuck lock would (tests/netns/test_systemd_notify.sh: a stalled worker).

usage: hold_thread.py TID SECONDS

ptrace(PTRACE_SEIZE) then PTRACE_INTERRUPT stop exactly that thread (no
signal reaches the process, so no group stop); after SECONDS it is detached
and runs on. Prints "held TID T" once it is stopped and "released TID T"
just before it runs again, T the monotonic clock in seconds.
"""
import ctypes
import os
import sys
import time

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
__WALL = 0x40000000  # wait for a thread (a clone), not only a child process

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


def ptrace(request, tid):
    if libc.ptrace(request, tid, None, None) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"ptrace({request:#x}, {tid}): {os.strerror(err)}")


def main():
    tid, seconds = int(sys.argv[1]), float(sys.argv[2])
    ptrace(PTRACE_SEIZE, tid)
    ptrace(PTRACE_INTERRUPT, tid)
    os.waitpid(tid, __WALL)  # the thread is in its ptrace stop now
    print(f"held {tid} {time.monotonic():.3f}", flush=True)
    time.sleep(seconds)
    released = time.monotonic()
    ptrace(PTRACE_DETACH, tid)
    print(f"released {tid} {released:.3f}", flush=True)


if __name__ == "__main__":
    main()
