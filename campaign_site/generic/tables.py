"""Base table for every list: on a phone only the columns named in `Meta.phone_columns` show
(the others stay in the desktop view and in exports)."""
import django_tables2 as tables

WIDE_ONLY = "d-none d-md-table-cell"


class Table(tables.Table):
    class Meta:
        phone_columns: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(getattr(self.Meta, "phone_columns", ()) or ())
        if not keep:
            return
        for bound in self.columns:
            if bound.name in keep:
                continue
            attrs = bound.column.attrs
            for part in ("th", "td"):
                cell = dict(attrs.get(part, {}))
                classes = cell.get("class", "")
                if WIDE_ONLY not in classes:
                    cell["class"] = f"{classes} {WIDE_ONLY}".strip()
                attrs[part] = cell
