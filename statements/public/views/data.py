"""/data/: the open-data page; /data/files/<name>: the bulk files it lists."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .. import bulk

# Addresses that stay the same from one build to the next: they lead to the latest file.
LATEST = {"statements.csv.gz": "csv", "statements.json.gz": "json"}


def data_page(request):
    manifest = bulk.read_manifest()
    context = {
        "manifest": manifest,
        "built": manifest.built if manifest else None,
        "files": manifest.files if manifest else [],
        "every_minutes": settings.BULK_FILES_EVERY_MINUTES,
    }
    return render(request, "statements/data.html", context)


def bulk_file(request, name: str):
    if name in LATEST:
        manifest = bulk.read_manifest()
        latest = manifest.latest(LATEST[name]) if manifest else None
        if latest is None:
            raise Http404("No bulk file has been built yet.")
        to_latest = redirect("statements:bulk-file", name=latest.name)
        to_latest["Cache-Control"] = "no-cache"
        return to_latest
    found = bulk.find(name)
    if found is None:
        raise Http404("No such bulk file.")
    path, item = found
    etag = f'"{item.sha256}"'
    try:
        modified = path.stat().st_mtime
    except OSError as missing:
        raise Http404("No such bulk file.") from missing
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(modified))
    if not_modified is not None:
        return not_modified
    response: HttpResponseBase
    if settings.BULK_FILES_ACCEL_PREFIX:
        # nginx sends the file (its `internal` location in deploy/nginx/tracker.conf).
        response = HttpResponse(content_type="application/gzip")
        response["X-Accel-Redirect"] = settings.BULK_FILES_ACCEL_PREFIX + item.name
        response["Content-Disposition"] = f'attachment; filename="{item.name}"'
    else:
        try:
            opened = path.open("rb")
        except OSError as missing:
            raise Http404("No such bulk file.") from missing
        response = FileResponse(opened, as_attachment=True, filename=item.name)
        response["Content-Type"] = "application/gzip"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    # A dated name never gets other bytes.
    response["Cache-Control"] = "public, max-age=86400"
    return response
