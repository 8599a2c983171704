"""Demo data for the hazards app (registered with campaign_site.generic.demo)."""
