"""The one URL of benchmarks/bare_settings.py."""

from django.urls import path

from tracker.bench import bare

urlpatterns = [path("_bench/bare/", bare, name="bench-bare")]
