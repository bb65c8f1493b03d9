"""Practice pages. Thin: check access, call one action, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from coach.cues import cue_text
from coach.events import Cue
from hipcoach.checkin import screening
from hipcoach.checkin.access import open_stops_for_clinician
from hipcoach.checkin.gate import Activity, gate_for
from hipcoach.checkin.review import gate_view, stop_rows
from hipcoach.clinics.review import patient_rows
from hipcoach.practice import actions
from hipcoach.practice.access import (
    access_own_session_by_id,
    access_session_by_id,
    current_program,
    sessions_visible_to,
)
from hipcoach.practice.models import SetResult, StretchSession
from hipcoach.progress.due import chair_stand_due_for
from hipcoach.web.gating import turned_away
from hipcoach.web.requests import page_language, signed_in


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if user.is_clinician:
        by_name = request.GET.get("sort") == "name"
        rows = patient_rows(user)
        if by_name:
            rows.sort(key=lambda r: (r.patient.last_name, r.patient.first_name, r.patient.username))
        return render(
            request,
            "practice/clinician_home.html",
            {
                "rows": rows,
                "red_flags": stop_rows(open_stops_for_clinician(user), page_language()),
                "by_name": by_name,
            },
        )
    program = current_program(user)
    protocol = program.protocol() if program else None
    return render(
        request,
        "practice/home.html",
        {
            "program": program,
            "protocol": protocol,
            "steps": [s.get(get_language() or "en") for s in protocol.setup_steps]
            if protocol
            else [],
            "tips": [t.get(get_language() or "en") for t in protocol.tips] if protocol else [],
            "recent": sessions_visible_to(user)[:5],
            "chair_stand": chair_stand_due_for(user),
            "gate": gate_view(gate_for(user, Activity.STRETCH), page_language()),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    program = current_program(user)
    if not user.is_patient or program is None:
        return HttpResponseForbidden()
    gate, closed = turned_away(user, Activity.STRETCH)
    if closed:
        return closed
    session = actions.do_start_session(
        user, program, language=get_language() or "en", variant=gate.modification
    )
    return redirect("practice:live", pk=session.pk)


@login_required
def live(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    session = access_own_session_by_id(user, pk)
    if not session.is_active:
        return redirect("practice:summary", pk=session.pk)
    if gate_for(user, Activity.STRETCH).halts:
        return redirect("home")
    return render(
        request,
        "practice/live.html",
        {
            "session": session,
            "ws_path": f"/ws/sessions/{session.pk}/",
            "model_url": static("vendor/pose_landmarker_lite.task"),
            "model_full_url": static("vendor/pose_landmarker_full.task"),
            # A folder has no manifest entry: take it from a file inside it.
            "wasm_url": static("vendor/wasm/vision_wasm_internal.js").rsplit("/", 1)[0],
            "vision_bundle_url": static("vendor/vision_bundle.mjs"),
            "standing_steps": _steps(session.variant) if session.variant == "standing" else [],
        },
    )


def _steps(variant: str) -> list[str]:
    language = page_language()
    return [step[language] for step in screening.load().modification_steps.get(variant, ())]


@login_required
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    session = access_session_by_id(signed_in(request), pk)
    language = get_language() or "en"
    sets = list(session.sets.all())
    rows = [
        {
            "set": s,
            "faults": [
                (cue_text(Cue(code), language), seconds) for code, seconds in s.fault_list()
            ],
        }
        for s in sets
    ]
    return render(
        request,
        "practice/summary.html",
        {
            "session": session,
            "rows": rows,
            "good_form_s": sum(s.good_form_s for s in sets if s.form_checked),
            "timer_only_s": sum(s.good_form_s for s in sets if not s.form_checked),
            "sets_done": sum(1 for s in sets if s.completed),
            "sets_total": session.sets_per_side * 2,
            "extension": _extension_by_side(sets),
            "own_range": own_range_by_side(sets, session.shift_target()),
        },
    )


def own_range_by_side(sets: list[SetResult], target: float | None) -> list[dict[str, object]]:
    """Per side, the person's own set-up and the furthest they reached past it.

    "Your set-up 3°, reached 11° (+8°), target +10°": the set that went furthest past its own
    set-up speaks for the side; a side measured without a set-up (the absolute fallback) shows
    only what it reached.
    """
    rows: list[dict[str, object]] = []
    for side in ("left", "right"):
        measured = [s for s in sets if s.side == side and s.max_rear_hip_extension is not None]
        if not measured:
            continue
        with_base = [s for s in measured if s.reached_shift is not None]
        best = (
            max(with_base, key=lambda s: s.reached_shift or 0.0)
            if with_base
            else max(measured, key=lambda s: s.max_rear_hip_extension or 0.0)
        )
        shift = best.reached_shift
        rows.append(
            {
                "side": side,
                "baseline": best.baseline_rear_hip_extension,
                "reached": best.max_rear_hip_extension,
                "shift": None if shift is None else f"{round(shift):+d}",
                "target": None if target is None else f"{target:+g}",
            }
        )
    return rows


def _extension_by_side(sets: list[SetResult]) -> dict[str, float | None]:
    """The furthest rear-hip extension reached on each side: the stretch's own progress."""
    best: dict[str, float | None] = {"left": None, "right": None}
    for s in sets:
        value = s.max_rear_hip_extension
        current = best.get(s.side)
        if value is not None and (current is None or value > current):
            best[s.side] = value
    return best


@login_required
def history(request: HttpRequest) -> HttpResponse:
    sessions: list[StretchSession] = sessions_visible_to(signed_in(request))
    return render(request, "practice/history.html", {"sessions": sessions})
