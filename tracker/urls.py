from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("statements.urls")),
]

handler404 = "statements.views.page_not_found"
handler500 = "statements.views.server_error"
