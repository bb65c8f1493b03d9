from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog, set_language

from hipcoach.practice import views as practice_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/setlang/", set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("", practice_views.home, name="home"),
    path("", include("hipcoach.practice.urls")),
    path("learn/", include("hipcoach.learn.urls")),
    path("", include("hipcoach.checkin.urls")),
    path("", include("hipcoach.progress.urls")),
    path("clinic/", include("hipcoach.clinics.urls")),
    path("booking/", include("hipcoach.booking.urls")),
    path("reports/", include("hipcoach.reports.urls")),
    path("reviews/", include("hipcoach.reviews.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jsi18n/", JavaScriptCatalog.as_view(domain="djangojs"), name="javascript-catalog"),
)
