"""The demo district's dashboards have figures from the start (then the periodic task keeps them)."""
from campaign_site.generic.demo import register


@register(990, "dashboard rollups")
def build_rollups(stdout):
    from .rollups import rollups_refresh

    rollups_refresh()
