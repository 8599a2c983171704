"""Request-body limits (issue 11 point 7): a body larger than its view accepts is refused from
its Content-Length, before Django reads it (or writes it to a temporary file)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

MB = 1024 * 1024


@pytest.fixture
def handler_calls(settings):
    """Records whether Django started reading an uploaded file (which it writes to disk)."""
    calls = []

    class Spy(FileUploadHandler):
        def new_file(self, *args, **kwargs):
            calls.append(args)

        def receive_data_chunk(self, raw_data, start):
            return raw_data

        def file_complete(self, file_size):
            return None

    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.SpyHandler", *settings.FILE_UPLOAD_HANDLERS]
    globals()["SpyHandler"] = Spy
    return calls


def _big_post(client, url, size=None):
    """A small multipart body that declares `size` bytes (what a client sends first)."""
    body = {"description": "楼梯扶手松动", "photo": SimpleUploadedFile("p.jpg", b"\xff\xd8\xff" + b"0" * 1000)}
    extra = {"CONTENT_LENGTH": str(size)} if size else {}
    return client.post(url, body, **extra)


def test_an_anonymous_300_mb_tip_is_refused_unread(client, school_a, handler_calls):
    response = _big_post(client, reverse("tips_public:create"), 300 * MB)
    assert response.status_code == 413
    assert response["Connection"] == "close"
    page = response.content.decode()
    assert "300" in page and "11" in page  # the size sent and the limit (a 10 MB photo + the form)
    assert handler_calls == []  # the body was never parsed


def test_a_tip_with_a_photo_within_the_limit_is_read(client, school_a, handler_calls):
    response = _big_post(client, reverse("tips_public:create"))
    assert response.status_code != 413
    assert len(handler_calls) == 1  # the photo was read (and judged by the form)


def test_signed_in_pages_have_a_larger_default_and_imports_their_own(client, officer_a, settings, handler_calls):
    client.force_login(officer_a)
    settings.REQUEST_MAX_BYTES = 20 * MB
    assert _big_post(client, reverse("home"), 19 * MB).status_code != 413
    response = _big_post(client, reverse("home"), 21 * MB)
    assert response.status_code == 413
    assert "20 MB" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 2 * MB
    response = _big_post(client, reverse("hazards:ledger_import"), 4 * MB)
    assert response.status_code == 413 and handler_calls == []


def test_an_anonymous_request_to_an_ordinary_page_is_capped_at_one_mb(client, db, handler_calls):
    response = _big_post(client, reverse("accounts:login"), 2 * MB)
    assert response.status_code == 413
    assert handler_calls == []


def test_upload_memory_settings():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * MB
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * MB
