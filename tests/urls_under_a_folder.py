"""The project's routes under /folder/, as a urlconf of a request's own (request.urlconf),
and the middleware that gives requests it."""

from django.urls import include, path

urlpatterns = [path("folder/", include("tracker.urls"))]


class UnderAFolder:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.urlconf = __name__
        return self.get_response(request)
