"""Home page widgets of the hazards app (registered with campaign_site.generic.home)."""
