"""The frame-stack reserve every request runs on (campaign_site/generic/stack.py)."""
import pytest
from django.conf import settings

from campaign_site.generic import stack


def test_reserve_is_the_outermost_middleware():
    # Everything after it (the other middleware, the view, the templates) runs on the reserve.
    assert settings.MIDDLEWARE[0] == "campaign_site.generic.stack.StackReserveMiddleware"


@pytest.mark.skipif(not stack.NEEDED, reason="CPython 3.13+ caches a chunk per thread (gh-142183)")
def test_reserve_frame_makes_the_interpreter_map_a_128_kib_chunk_with_room_for_the_request():
    code = stack.call_with_reserve.__code__
    frame_slots = code.co_nlocals + code.co_stacksize  # at least what the frame takes on the data stack
    needed_bytes = stack.SLOT * (frame_slots + stack.MINIMUM_OVERHEAD)
    chunk = stack.CHUNK_BYTES
    while chunk < needed_bytes:  # what push_chunk() allocates for it
        chunk *= 2
    assert chunk == 128 * 1024
    free_bytes = chunk - stack.SLOT * (frame_slots + 16)  # 16: chunk header and frame specials, generously
    assert free_bytes >= 64 * 1024  # a list page's whole stack takes about 20 KiB


def test_reserve_passes_the_response_and_errors_through(rf):
    request = rf.get("/")
    middleware = stack.StackReserveMiddleware(lambda r: ("response for", r))
    assert middleware(request) == ("response for", request)

    def broken(_request):
        raise ValueError("view failed")

    with pytest.raises(ValueError, match="view failed"):
        stack.StackReserveMiddleware(broken)(request)

