"""A reserve of interpreter frame stack for every request, against CPython 3.11/3.12's chunk thrashing.

CPython 3.11 keeps the frames of Python functions on a per-thread stack made of 16 KiB chunks
(`DATA_STACK_CHUNK_SIZE`). A call that does not fit in the current chunk maps a new one, and the
return that empties it unmaps it again. A loop that happens to sit at a chunk boundary therefore
pays an mmap, a page fault and an munmap on every call it makes: with Django's deep stacks a list
page's row loop landed there, about 1,800 mmap/munmap pairs per request, and the same page took
29–47 ms depending only on how deep the caller's stack was (bench/bench_stack.py). CPython fixed it
by caching a chunk per thread (gh-142183, in 3.13 and 3.14 maintenance releases); 3.11 and 3.12 do
not get the fix.

`StackReserveMiddleware` (first in MIDDLEWARE) runs the rest of the request from a frame that is
too large for any 16 KiB chunk, so the interpreter maps one 128 KiB chunk for it and the whole
request's stack fits in what is left (about 72 KiB; a list page uses a quarter of that). One map
and unmap per request instead of thousands. The frame's slots are never written except its 7,200
locals (NULLed on entry: 56 KiB), so the cost is a few microseconds.
"""
from __future__ import annotations

import sys

SLOT = 8  # bytes of a PyObject* on the 64-bit builds we run
CHUNK_BYTES = 16 * 1024  # DATA_STACK_CHUNK_SIZE
MINIMUM_OVERHEAD = 1000  # slots push_chunk() adds to the frame that needs a new chunk
# A frame of this many slots needs 8 × (slots + 1000) > 64 KiB, so push_chunk() doubles the chunk
# to 128 KiB and about 9,100 slots (72 KiB) stay free above it.
RESERVE_SLOTS = (4 * CHUNK_BYTES) // SLOT - MINIMUM_OVERHEAD + 8

NEEDED = sys.implementation.name == "cpython" and sys.version_info < (3, 13)


def _trampoline(slots: int):
    """`call(fn, arg) -> fn(arg)` whose frame has `slots` local variables (never assigned)."""
    names = " = ".join(f"_{i}" for i in range(slots))
    source = f"def call(fn, arg):\n    if fn is None:\n        {names} = None\n    return fn(arg)\n"
    namespace: dict = {}
    exec(compile(source, "<stack reserve>", "exec"), namespace)  # noqa: S102 - generated above, no input
    return namespace["call"]


def _plain(fn, arg):
    return fn(arg)


call_with_reserve = _trampoline(RESERVE_SLOTS) if NEEDED else _plain


class StackReserveMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return call_with_reserve(self.get_response, request)
