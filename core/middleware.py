"""Response headers the portal adds itself (the others come from Django and django-csp)."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Refuses browser features the portal never uses (camera, microphone, location…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
