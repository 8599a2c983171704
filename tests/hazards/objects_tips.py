"""Public tips for the URL-walking tests (see tests/urlwalk.py)."""
from hazards.models import Tip
from hazards.tips import tip_submit


def tip_for_school(school):
    return tip_submit(organisation=school, description="楼梯扶手松动，学生上下楼有危险", location="教学楼北楼梯")


OBJECTS = {Tip: tip_for_school}
VIEW_MODELS = {"hazards:tip_accept": Tip, "hazards:tip_reject": Tip}
