"""manage.py import_gps_track --trip ID FILE [--datum gcj02]: import a trip's GPS export (streamed)."""
from django.core.management.base import BaseCommand, CommandError

from campaign_site.generic.errors import DomainError
from schoolbus import gps
from schoolbus.models import Trip


class Command(BaseCommand):
    help = "Import a trip's GPS track (CSV or XLSX) and check it for speeding and off-route driving."

    def add_arguments(self, parser):
        parser.add_argument("--trip", type=int, required=True, help="the trip's id")
        parser.add_argument("--datum", choices=[gps.Datum.WGS84, gps.Datum.GCJ02], default=gps.Datum.WGS84,
                            help="coordinate system of the file (default wgs84)")
        parser.add_argument("file")

    def handle(self, *args, trip, datum, file, **options):
        try:
            trip_obj = Trip.objects.get(pk=trip)
        except Trip.DoesNotExist as exc:
            raise CommandError(f"No trip with id {trip}.") from exc
        try:
            with open(file, "rb") as fh:
                outcome = gps.import_track(trip=trip_obj, fileobj=fh, datum=datum)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except gps.TrackImportError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.errors)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Imported {outcome.points} points into trip {trip_obj.pk}; "
                          f"{len(outcome.episodes)} episodes found, {len(outcome.violations)} violations recorded.")
