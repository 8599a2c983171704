"""Monthly reporting: the school's monthly report with its statistics table, work information and
typical cases; the bureau's review, workbook, circulars and dashboards. Reads the other apps through
their selectors and writes only its own models."""
