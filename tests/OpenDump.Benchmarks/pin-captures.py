#!/usr/bin/env python3
"""Keeps files in the page cache while a benchmark runs: maps each one and locks the mapping (mlock), prints one
line saying what it pinned, then waits until its standard input closes (or it is killed).

Why: the benchmark VM runs DAMON with a pageout scheme (/sys/kernel/mm/damon/admin/kdamonds): memory that its
sampling finds accessed at most once per 5 s aggregation for 60 s is paged out. A capture left unread for a while (as
during the harness's publish, or between two runs of the harness) loses most of its pages: a minute after one run of the
harness, 136 MB of the 954 MB capture were left, and a run then read the rest from disk. Locked pages are unevictable,
so every run reads the capture from memory, which is what the reference figures (../shared/bench: `cat` from the page
cache) assume.

    pin-captures.py FILE...
"""
import ctypes
import ctypes.util
import os
import sys

PROT_READ = 0x1
MAP_SHARED = 0x01
MAP_FAILED = ctypes.c_void_p(-1).value


def main(paths):
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mlock.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    pinned, failed = [], []
    for path in paths:
        size = os.path.getsize(path)
        fd = os.open(path, os.O_RDONLY)
        try:
            address = libc.mmap(None, size, PROT_READ, MAP_SHARED, fd, 0)
            if address in (None, MAP_FAILED):
                failed.append(f"{os.path.basename(path)}: mmap: {os.strerror(ctypes.get_errno())}")
                continue
            # mlock faults every page in (reading what is not cached) and keeps it there until this process exits.
            if libc.mlock(ctypes.c_void_p(address), ctypes.c_size_t(size)) != 0:
                failed.append(f"{os.path.basename(path)}: mlock: {os.strerror(ctypes.get_errno())}")
                continue
            pinned.append(f"{os.path.basename(path)} ({size / 1e6:.0f} MB)")
        finally:
            os.close(fd)  # the mapping keeps the file
    line = "captures pinned in memory: " + (", ".join(pinned) if pinned else "none")
    if failed:
        line += "; not pinned: " + "; ".join(failed) + " (the runs may read from disk; root or a larger `ulimit -l` allows it)"
    print(line, flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1:])
