"""Collecting responses: the interviewer's phone form (offline drafts, idempotent submit) and the public
self-completion page per area (/surveys/s/<token>/, no login, duplicate protection)."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from wenming.accounts.lockout import client_ip
from wenming.core import views as core_views
from wenming.core.roles import is_inspector, is_office
from wenming.geo.models import Area
from wenming.surveys import services
from wenming.surveys.choices import AgeBand, Occupation, Residence, StratumLevel, WaveState
from wenming.surveys.models import Response, Stratum, Wave
from wenming.surveys.submission import payload_from_request
from wenming.surveys.views.common import error_text

DEVICE_COOKIE = "wenming_survey_device"
DEVICE_COOKIE_AGE = 400 * 24 * 3600


def form_context(wave: Wave, strata) -> dict:
    """What both forms render: the questions, the respondent block's choices, the areas under each stratum."""
    questionnaire = wave.questionnaire
    communities = {}
    if wave.stratum_level == StratumLevel.STREET:
        ids = {s.area_id for s in strata}
        for area in Area.objects.filter(parent_id__in=ids, level=StratumLevel.COMMUNITY).order_by("code"):
            communities.setdefault(area.parent_id, []).append(area)
    for s in strata:
        s.communities = communities.get(s.area_id, [])
    return {
        "wave": wave,
        "questionnaire": questionnaire,
        "questions": list(questionnaire.questions.order_by("order", "pk")),
        "strata": strata,
        "residences": Residence.choices,
        "occupations": Occupation.choices,
        "age_bands": AgeBand.choices,
        "eligible_residences": questionnaire.eligible_residences(),
    }


def is_interviewer(user, wave: Wave) -> bool:
    """The office, inspectors (when the wave is open to them) and the wave's named interviewers."""
    if is_office(user) or (is_inspector(user) and wave.open_to_inspectors):
        return True
    return wave.interviewers.filter(pk=user.pk).exists()


@method_decorator(never_cache, name="dispatch")
class CollectView(LoginRequiredMixin, View):
    """The interviewer's phone form (入户/拦截访问): one respondent after another; posts the same JSON as the API."""

    template = "surveys/collect.html"

    def _wave(self, request, pk) -> Wave:
        wave = get_object_or_404(
            Wave.objects.restrict(request.user, "view").select_related("questionnaire"), pk=pk
        )
        if not is_interviewer(request.user, wave):
            raise PermissionDenied(_("您不是本次调查的调查员。"))
        return wave

    def get(self, request, pk):
        wave = self._wave(request, pk)
        strata = list(Stratum.objects.filter(wave=wave).select_related("area").order_by("order", "pk"))
        mine = Response.objects.filter(wave=wave, interviewer=request.user)
        context = form_context(wave, strata) | {
            "client_id": uuid.uuid4(),
            "open_for_input": wave.state == WaveState.OPEN,
            "mine_today": mine.filter(received_at__date=timezone.localdate()).count(),
            "mine_total": mine.count(),
        }
        return render(request, self.template, context)

    def post(self, request, pk):
        wants_json = "application/json" in request.headers.get("Accept", "")
        wave = get_object_or_404(Wave.objects.restrict(request.user, "view"), pk=pk)
        try:
            submission = services.parse_submission(payload_from_request(request))
            result = services.submit_response(actor=request.user, wave=wave, submission=submission)
        except services.NotFound:
            raise Http404
        except services.SurveyError as exc:
            if wants_json:
                return JsonResponse({"error": error_text(exc), "code": exc.code or "invalid"}, status=400)
            messages.error(request, error_text(exc))
            return redirect("surveys:collect", wave.pk)
        count = Response.objects.filter(wave=wave, interviewer=request.user).count()
        if wants_json:
            return JsonResponse({"id": result.response.pk, "created": result.created, "count": count},
                                status=201 if result.created else 200)  # fmt: skip
        messages.success(request, _("答卷已提交（本批次您已提交 %(n)d 份）。") % {"n": count})
        return redirect("surveys:collect", wave.pk)


class ServiceWorkerView(core_views.ServiceWorkerView):
    """The offline helper (/surveys/sw.js, scope /surveys/): keeps the collection form and static files usable
    without a connection; the answers themselves wait in localStorage (collect.js)."""

    cache_name = "wenming-survey-v1"
    pages_url_name = "surveys:survey_list"
    page_pattern = r"/waves/\d+/collect/$"  # only an interviewer's collection form


# --- the public link ----------------------------------------------------------------------------------------


def _public_stratum(token: str) -> Stratum:
    return get_object_or_404(Stratum.objects.select_related("wave__questionnaire", "area"), token=token)


def _device(request) -> tuple[str, bool]:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(value) == 32 and value.isalnum():
        return value, False
    return uuid.uuid4().hex, True


STATUS_OF = {"duplicate": 409, "rate_limited": 429, "closed": 410}


@method_decorator(never_cache, name="dispatch")
class PublicSurveyView(View):
    """扫码参与调查: the questionnaire for one area, no login; one response per device and per phone number,
    and a limit per network address (all kept in the database)."""

    template = "surveys/public.html"

    def _render(self, request, stratum, *, status=200, values=None, error="", error_code=""):
        wave = stratum.wave
        device, new = _device(request)
        context = form_context(wave, [stratum]) | {
            "stratum": stratum, "fixed_stratum": stratum, "values": values or {},
            "client_id": (values or {}).get("client_id") or uuid.uuid4(),
            "error": error, "error_code": error_code,
            "open_for_input": wave.state == WaveState.OPEN and wave.public_link,
        }  # fmt: skip
        response = render(request, self.template, context, status=status)
        if new:
            response.set_cookie(
                DEVICE_COOKIE, device, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax"
            )
        return response

    def get(self, request, token):
        stratum = _public_stratum(token)
        return self._render(request, stratum)

    def post(self, request, token):
        stratum = _public_stratum(token)
        payload = payload_from_request(request)
        payload["stratum"] = stratum.pk
        device = request.COOKIES.get(DEVICE_COOKIE, "")
        try:
            submission = services.parse_submission(payload)
            services.submit_response(actor=None, wave=stratum.wave, submission=submission, channel="public",
                                     device=device, ip=client_ip(request) or "")  # fmt: skip
        except services.SurveyError as exc:
            return self._render(request, stratum, status=STATUS_OF.get(exc.code, 400), values=payload,
                                error=error_text(exc), error_code=exc.code or "invalid")  # fmt: skip
        return redirect("surveys:public_thanks", token)


class PublicThanksView(View):
    def get(self, request, token):
        stratum = _public_stratum(token)
        return render(request, "surveys/public_thanks.html", {"stratum": stratum, "wave": stratum.wave})
