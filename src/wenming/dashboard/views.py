from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from wenming.dashboard import widgets


class HomeView(LoginRequiredMixin, TemplateView):
    """The workbench home page: what it shows depends on the user's roles and scope."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["scope_summary"] = widgets.scope_summary(user)
        context["widgets"] = widgets.for_user(user)
        return context
