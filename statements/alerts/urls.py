from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("confirm/", views.confirm, name="confirm"),
    path("manage/", views.manage, name="manage"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
