"""Video review pages. Thin: check access, call one action or read, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from coach.cues import cue_text
from coach.events import Cue
from hipcoach.accounts.access import access_clinic_patient_by_id, patients_of
from hipcoach.practice.timeline_view import timeline_view
from hipcoach.reviews import actions, queue
from hipcoach.reviews.access import access_review_by_id, reviews_of
from hipcoach.reviews.forms import VideoUploadForm
from hipcoach.reviews.models import ReviewStatus, VideoReview
from hipcoach.reviews.upload import UploadLimit, accepted_suffixes, max_seconds
from hipcoach.web.requests import page_language, patient_of, signed_in


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """A patient's own reviews; for a clinician, the latest of their clinic's patients."""
    user = signed_in(request)
    patient = patient_of(request)
    if patient is not None:
        reviews = list(reviews_of(user, patient)[:100])
    elif user.is_clinician:
        reviews = list(
            VideoReview.objects.filter(patient__in=patients_of(user)).select_related(
                "patient", "uploaded_by"
            )[:100]
        )
    else:
        return HttpResponseForbidden()
    _kick_if_waiting(reviews)
    return render(
        request, "reviews/index.html", {"reviews": reviews, "patient": patient, "for": None}
    )


@login_required
def patient_reviews(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One patient's reviews, for their clinician."""
    patient = access_clinic_patient_by_id(signed_in(request), patient_id)
    reviews = list(reviews_of(signed_in(request), patient)[:100])
    _kick_if_waiting(reviews)
    return render(
        request, "reviews/index.html", {"reviews": reviews, "patient": None, "for": patient}
    )


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """A patient sends their own video. The size limit applies while the body is read."""
    limit = _limit_uploads(request)
    return _upload(request, limit, None)


@csrf_exempt
def upload_for(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A clinician sends a video of one of their clinic's patients."""
    limit = _limit_uploads(request)
    return _upload(request, limit, patient_id)


def _limit_uploads(request: HttpRequest) -> UploadLimit:
    # Before anything reads the body (hence csrf_exempt outside, csrf_protect inside).
    limit = UploadLimit(request)
    request.upload_handlers = [limit, *request.upload_handlers]
    return limit


@csrf_protect
@login_required
def _upload(request: HttpRequest, limit: UploadLimit, patient_id: int | None) -> HttpResponse:
    user = signed_in(request)
    if patient_id is None:
        patient = patient_of(request)
        if patient is None:
            return HttpResponseForbidden()
    else:
        patient = access_clinic_patient_by_id(user, patient_id)
    form = VideoUploadForm()
    if request.method == "POST":
        files = request.FILES  # reads the body, through UploadLimit
        form = VideoUploadForm(
            request.POST, files, oversized=limit.received if limit.exceeded else None
        )
        if form.is_valid():
            review = actions.do_upload_review(
                patient, user, form.cleaned_data["video"], language=page_language()
            )
            return redirect("reviews:detail", pk=review.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "reviews/upload.html",
        {
            "form": form,
            "for": patient if patient_id is not None else None,
            "limit_minutes": f"{max_seconds() / 60:g}",
            "types": ", ".join(s.lstrip(".").upper() for s in accepted_suffixes()),
            "accept": ",".join(accepted_suffixes()),
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = access_review_by_id(signed_in(request), pk)
    _kick_if_waiting([review])
    context: dict[str, Any] = {
        "review": review,
        "state": _state(review),
        "may_delete": actions.may_delete(signed_in(request), review),
    }
    if review.status == ReviewStatus.DONE and review.result:
        context.update(_result(review))
    return render(request, "reviews/detail.html", context)


@never_cache
@login_required
def status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the review page's progress bar polls (static/hipcoach/js/review.js)."""
    review = access_review_by_id(signed_in(request), pk)
    _kick_if_waiting([review])
    return JsonResponse(_state(review))


@login_required
def annotated(request: HttpRequest, pk: int) -> FileResponse:
    """The annotated video, to whoever may read the review: never a public media URL."""
    review = access_review_by_id(signed_in(request), pk)
    if review.status != ReviewStatus.DONE or not review.annotated.name:
        raise Http404
    try:
        handle = review.annotated.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"hipcoach-review-{review.pk}-annotated.mp4",
        content_type="video/mp4",
    )


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    review = access_review_by_id(signed_in(request), pk)
    actions.do_retry_review(review)
    return redirect("reviews:detail", pk=review.pk)


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), deletes on POST: the video and its result cannot be brought back."""
    user = signed_in(request)
    review = access_review_by_id(user, pk)
    if not actions.may_delete(user, review):
        return HttpResponseForbidden()
    if request.method == "POST":
        actions.do_delete_review(review)
        messages.success(request, _("The video and its result were deleted."))
        if user.is_clinician:
            return redirect("reviews:patient", patient_id=review.patient_id)
        return redirect("reviews:index")
    return render(request, "reviews/delete.html", {"review": review})


def _kick_if_waiting(reviews: list[VideoReview]) -> None:
    if any(not r.is_finished for r in reviews):
        queue.kick()


def _state(review: VideoReview) -> dict[str, Any]:
    texts = {
        ReviewStatus.QUEUED: _("Waiting to be analysed. This page updates by itself."),
        ReviewStatus.RUNNING: _("Being analysed. This page updates by itself."),
        ReviewStatus.DONE: _("Finished."),
        ReviewStatus.FAILED: _("Could not be analysed."),
    }
    running = review.status == ReviewStatus.RUNNING
    progress = review.progress if running else (100 if review.status == ReviewStatus.DONE else 0)
    return {
        "status": review.status,
        "finished": review.is_finished,
        "progress": progress,
        "text": str(texts[ReviewStatus(review.status)]),
        "url": reverse("reviews:detail", kwargs={"pk": review.pk}),
    }


def _result(review: VideoReview) -> dict[str, Any]:
    language = page_language()
    result: dict[str, Any] = review.result or {}
    holds = [
        {
            "side": _("Left") if h.get("side") == "left" else _("Right"),
            "set": h.get("set"),
            "start_s": h.get("start_s"),
            "end_s": h.get("end_s"),
            "good_form_s": h.get("good_form_s"),
        }
        for h in result.get("holds", [])
    ]
    # Faults inside holds, where they cost good-form time (setting up is not judged).
    in_holds: dict[str, float] = {}
    for hold in result.get("holds", []):
        for code, seconds in (hold.get("faults") or {}).items():
            in_holds[code] = in_holds.get(code, 0.0) + float(seconds)
    faults = [
        (cue_text(Cue(code), language), round(seconds, 1))
        for code, seconds in sorted(in_holds.items(), key=lambda kv: -kv[1])
    ]
    return {
        "holds": holds,
        "faults": faults,
        "good_form_s": result.get("good_form_s", 0.0),
        "duration_s": result.get("duration_s", 0.0),
        "sets_done": result.get("sets_done", 0),
        "sets_total": result.get("sets_total", 0),
        "nobody_seen": result.get("frames_with_person", 0) == 0,
        "timeline": timeline_view(review.timeline, language),
    }
