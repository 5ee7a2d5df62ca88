"""Bulk files: the whole published set, gzipped, built by a command, listed on /data/."""

import gzip
import hashlib
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

from statements.models import Statement
from statements.public import bulk

from .factories import StatementFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


@pytest.fixture
def bulk_dir(settings, tmp_path):
    settings.BULK_FILES_DIR = tmp_path / "bulk"
    settings.BULK_FILES_ACCEL_PREFIX = ""
    return tmp_path / "bulk"


def build(*args: str) -> str:
    out = StringIO()
    call_command("build_bulk_files", "--site-url", SITE, *args, stdout=out)
    return out.getvalue()


def unzipped(path) -> bytes:
    with gzip.open(path, "rb") as handle:
        return handle.read()


def export_body(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_files_are_the_unfiltered_exports_gzipped(client, world, bulk_dir):
    output = build()
    manifest = json.loads((bulk_dir / "manifest.json").read_text())
    assert list(manifest) == ["built_at", "generation", "files"]
    assert [item["format"] for item in manifest["files"]] == ["csv", "json"]
    published = Statement.objects.published().count()
    bodies = {
        "csv": export_body(client, "/statements/export.csv"),
        "json": export_body(client, "/statements/export.json"),
    }
    for item in manifest["files"]:
        path = bulk_dir / item["name"]
        assert re.fullmatch(r"statements-\d{8}-\d{6}\.(csv|json)\.gz", item["name"])
        raw = path.read_bytes()
        assert item["bytes"] == len(raw)
        assert item["sha256"] == hashlib.sha256(raw).hexdigest()
        assert item["rows"] == published
        assert unzipped(path) == bodies[item["format"]]
        assert f"{item['name']}: {published} statements, {item['bytes']} bytes" in output
    # Written atomically: no temporary file is left beside them.
    assert sorted(p.name for p in bulk_dir.iterdir()) == sorted(
        [item["name"] for item in manifest["files"]] + ["manifest.json"]
    )


def test_nothing_unpublished_is_in_the_bulk_files(world, bulk_dir):
    build()
    manifest = bulk.read_manifest()
    hidden = Statement.objects.exclude(pk__in=Statement.objects.published())
    assert hidden.count() == 3  # the world's draft, review and withdrawn remarks
    hidden_ids = set(hidden.values_list("pk", flat=True))
    csv_text = unzipped(bulk_dir / manifest.latest("csv").name).decode("utf-8-sig")
    json_rows = json.loads(unzipped(bulk_dir / manifest.latest("json").name))["statements"]
    for state in ("draft", "review", "withdrawn"):
        assert f"A {state} remark." not in csv_text
    assert not hidden_ids & {row["id"] for row in json_rows}
    csv_ids = {int(line.split(",")[0]) for line in csv_text.splitlines()[1:-1]}
    assert csv_ids == set(Statement.objects.published().values_list("pk", flat=True))


def test_rebuilds_only_when_the_content_changed_or_forced(world, bulk_dir):
    build()
    first = bulk.read_manifest()
    assert build().startswith("Up to date")
    assert bulk.read_manifest() == first

    StatementFactory(text="Said after the first build.")  # a write: a new generation
    assert "Built in" in build()
    second = bulk.read_manifest()
    assert second.generation != first.generation
    assert second.latest("csv").rows == first.latest("csv").rows + 1
    assert "Built in" in build("--force")
    third = bulk.read_manifest()
    # The previous build's files stay for downloads under way; older ones go.
    names = {p.name for p in bulk_dir.iterdir()} - {"manifest.json"}
    assert names == {item.name for item in second.files + third.files} or (
        # Two builds within the same second share their names.
        names == {item.name for item in third.files}
    )


def test_the_command_needs_the_site_address(bulk_dir, settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("build_bulk_files", stdout=StringIO())
    assert not (bulk_dir / "manifest.json").exists()


def test_data_page_before_any_build(client, bulk_dir):
    response = client.get("/data/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "No bulk file has been built yet" in text
    assert "within 10 minutes" in text
    for url in (
        reverse("api:docs"),
        reverse("statements:statement-feed"),
        reverse("statements:statement-export-csv"),
    ):
        assert f'href="{url}"' in text


def test_data_page_lists_the_files_with_date_size_and_rows(client, world, bulk_dir):
    assert "No bulk file" in client.get("/data/").content.decode()
    build()  # changes the page, not the content generation: it is never a cached copy
    manifest = bulk.read_manifest()
    text = client.get("/data/").content.decode()
    assert "No bulk file" not in text
    assert manifest.built.strftime("%-d %B %Y") in text
    for item in manifest.files:
        assert f'href="/data/files/{item.name}"' in text
        assert f'<data value="{item.bytes}">' in text
        assert f"<td>{item.rows}</td>" in text
    # Linked from every page's footer, and listed in the sitemap.
    assert 'href="/data/"' in client.get("/").content.decode()
    assert "/data/</loc>" in client.get("/sitemap.xml").content.decode()
    assert resolve("/data/").url_name == "data"


def test_files_are_served_by_name_and_only_those(client, world, bulk_dir, settings):
    build()
    manifest = bulk.read_manifest()
    item = manifest.latest("csv")
    response = client.get(f"/data/files/{item.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Disposition"] == f'attachment; filename="{item.name}"'
    assert b"".join(response.streaming_content) == (bulk_dir / item.name).read_bytes()
    etag = response["ETag"]
    assert etag == f'"{item.sha256}"'
    again = client.get(f"/data/files/{item.name}", headers={"if-none-match": etag})
    assert again.status_code == 304

    # The stable addresses lead to the latest file.
    latest = client.get("/data/files/statements.json.gz")
    assert latest.status_code == 302
    assert latest["Location"] == f"/data/files/{manifest.latest('json').name}"

    (bulk_dir / "statements-20000101-000000.csv.gz").write_bytes(b"not in the manifest")
    for name in (
        "statements-20000101-000000.csv.gz",
        "manifest.json",
        "..%2Fmanifest.json",
        "%2Fetc%2Fpasswd",
        "x" * 300,
    ):
        assert client.get(f"/data/files/{name}").status_code == 404, name
    assert client.post(f"/data/files/{item.name}").status_code == 405

    # Behind nginx: Django checks the name, nginx sends the file.
    settings.BULK_FILES_ACCEL_PREFIX = "/_bulk/"
    response = client.get(f"/data/files/{item.name}")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_bulk/{item.name}"
    assert response.content == b""


def test_no_file_yet_is_a_404_not_an_error(client, bulk_dir):
    assert client.get("/data/files/statements.csv.gz").status_code == 404
    bulk_dir.mkdir()
    (bulk_dir / "manifest.json").write_text("{not json")
    assert client.get("/data/").status_code == 200
    assert client.get("/data/files/statements.csv.gz").status_code == 404
