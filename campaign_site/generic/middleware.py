from .audit import audit_record
from .models import AuditResult


class AuditDeniedMiddleware:
    """Records every refused request (403) in the security audit log. 404s on another
    organisation's record are recorded where the scoped lookup knows it (`audit_hidden_lookup`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            audit_record("permission_denied", request=request, result=AuditResult.DENIED,
                         detail=f"{request.method} {request.get_full_path()[:500]}")
        return response


class PermissionsPolicyMiddleware:
    """Turns off browser features the site never uses (camera API, microphone, location, payment…).
    Taking a photo for an upload uses the file input, which needs none of them."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
