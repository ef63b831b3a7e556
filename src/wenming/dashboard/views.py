from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class HomeView(LoginRequiredMixin, TemplateView):
    """The workbench home page; what it shows depends on the user's roles."""

    template_name = "dashboard/home.html"
