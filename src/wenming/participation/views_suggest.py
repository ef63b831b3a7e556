"""The citizen form's category suggestion as they type (HTML fragment, no login): the most likely public
category for the description typed so far, with one button to take it — never chosen for them."""

from django.template.response import TemplateResponse
from django.views import View

from wenming.participation import classifier

MIN_CHARS = 4  # fewer characters say too little to suggest anything


class CategorySuggestView(View):
    def get(self, request):
        from wenming.standards.models import ProblemCategory

        text = (request.GET.get("description") or "").strip()[:500]
        suggestion = None
        if len(text) >= MIN_CHARS:
            public = dict(ProblemCategory.objects.public().values_list("pk", "public_name"))
            names = dict(ProblemCategory.objects.public().values_list("pk", "name"))
            _model_id, ranked = classifier.suggest(text, limit=1, allowed_ids=set(public))
            if ranked and ranked[0].confidence >= classifier.low_confidence():
                pk = ranked[0].category_id
                suggestion = {"pk": pk, "name": public[pk] or names[pk], "confidence": ranked[0].confidence}
        chosen = request.GET.get("category") or ""
        if suggestion and chosen == str(suggestion["pk"]):
            suggestion = None  # already chosen: nothing to propose
        return TemplateResponse(request, "participation/public/_suggest.html", {"suggestion": suggestion})
