"""School bus records: vehicles, drivers, escorts, routes, riders, trips with GPS tracks and violations."""
