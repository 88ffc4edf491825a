from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from orderreview import views
from orderreview.auth import LockoutPasswordChangeView

urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        LockoutPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("staffmail.urls")),
    path("forms/", include("orders.orderforms.urls")),
    path("regulations/", include("orders.regulations.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
    # The REST API (/api/v1/), its schema and docs, and the API token page.
    path("api/", include("api.urls")),
    # Webhook endpoints and their delivery log (integrations admins).
    path("webhooks/", include("webhooks.urls")),
    # /communications/, the public /catalog/ and the /notices/ queue and templates.
    path("", include("communications.urls")),
    path("", include("reviews.urls")),
    # Change orders (/orders/<number>/changes/...) and /notifications/.
    path("", include("requirements.urls")),
    # Home, the order and customer pages, the portal and the catalog request.
    path("", include("pages.urls")),
]

handler403 = "orderreview.views.permission_denied"
handler404 = "orderreview.views.page_not_found"
