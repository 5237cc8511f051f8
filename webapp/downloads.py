"""Files the web app hands out: workbooks and other downloads, never cached."""

from __future__ import annotations

import io

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes, name: str, mimetype: str = XLSX) -> Response:
    """`data` as a download named `name` (an Excel workbook unless said otherwise)."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name, max_age=0)
