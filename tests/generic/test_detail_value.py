"""Record pages show values as people read them: 是/否, and moments in Beijing time (the template's
linebreaksbr printed the stored UTC value, "2026-11-30 22:50:40+00:00" for 06:50:40 on 1 December)."""
import datetime

from django.utils import timezone, translation

from campaign_site.generic.views import detail_value


def test_aware_moment_is_shown_in_local_time_with_seconds_only_when_there_are_any():
    utc = datetime.UTC
    assert detail_value(datetime.datetime(2026, 11, 30, 22, 50, 40, tzinfo=utc)) == "2026-12-01 06:50:40"
    assert detail_value(datetime.datetime(2026, 11, 30, 22, 50, tzinfo=utc)) == "2026-12-01 06:50"
    assert detail_value(timezone.make_aware(datetime.datetime(2026, 12, 1, 6, 50))) == "2026-12-01 06:50"


def test_time_date_and_tick_box():
    assert detail_value(datetime.time(6, 50)) == "06:50"
    assert detail_value(datetime.time(6, 50, 5)) == "06:50:05"
    assert detail_value(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 1)  # dates print as ISO already
    with translation.override("zh-hans"):
        assert (detail_value(True), detail_value(False)) == ("是", "否")
    assert detail_value(None) is None and detail_value("文字") == "文字"
