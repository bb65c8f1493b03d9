"""Export my data: everything stored about the patient, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn
from hipcoach.practice.models import Program, SetResult, StretchSession
from hipcoach.progress.models import ChairStandResult, PSFSRating


def export_data(patient: User) -> dict[str, Any]:
    return {
        "format": "hipcoach-export",
        "version": 1,
        "user": {
            "username": patient.username,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "email": patient.email,
            "language": patient.language,
            "clinic": patient.clinic.name if patient.clinic else None,
            "joined": patient.date_joined.isoformat(),
        },
        "programs": [
            {
                "created_at": p.created_at.isoformat(),
                "hold_s": p.hold_s,
                "sets_per_side": p.sets_per_side,
                "first_side": p.first_side,
                "notes": p.notes,
            }
            for p in Program.objects.filter(patient=patient)
        ],
        "check_ins": [
            {
                "created_at": c.created_at.isoformat(),
                "pain_now": c.pain_now,
                "symptoms": c.symptoms,
                "answers": c.answers,
                "outcome": c.outcome,
                "level": c.level,
                "flags": c.flags,
                "modification": c.modification,
            }
            for c in CheckIn.objects.filter(patient=patient).order_by("created_at")
        ],
        "sessions": [
            {
                "started_at": s.started_at.isoformat(),
                "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                "status": s.status,
                "mode": s.mode,
                "variant": s.variant,
                "hold_s": s.hold_s,
                "sets_per_side": s.sets_per_side,
            }
            for s in StretchSession.objects.filter(patient=patient).order_by("started_at")
        ],
        "sets": [
            {
                "session_started_at": r.session.started_at.isoformat(),
                "side": r.side,
                "set": r.set_number,
                "target_s": r.target_s,
                "good_form_s": r.good_form_s,
                "form_checked": r.form_checked,
                "completed": r.completed,
                "faults": r.faults,
                "max_rear_hip_extension": r.max_rear_hip_extension,
                "finished_at": r.finished_at.isoformat(),
            }
            for r in SetResult.objects.filter(session__patient=patient).select_related("session")
        ],
        "psfs": [
            {"activity": r.activity.name, "score": r.score, "rated_at": r.rated_at.isoformat()}
            for r in PSFSRating.objects.filter(activity__patient=patient).select_related("activity")
        ],
        "chair_stands": [
            {"count": r.count, "method": r.method, "created_at": r.created_at.isoformat()}
            for r in ChairStandResult.objects.filter(patient=patient)
        ],
    }


def export_csv(patient: User) -> str:
    """One row per measurement: date, measure, detail, value — opens in any spreadsheet."""
    data = export_data(patient)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "measure", "detail", "value"])
    for c in data["check_ins"]:
        if c["pain_now"] is not None:
            writer.writerow([c["created_at"], "pain_now", "", c["pain_now"]])
        writer.writerow([c["created_at"], "check_in_outcome", ";".join(c["flags"]), c["outcome"]])
    for r in data["sets"]:
        detail = f"{r['side']} set {r['set']}" + ("" if r["form_checked"] else " (timer only)")
        writer.writerow([r["finished_at"], "good_form_s", detail, r["good_form_s"]])
        if r["max_rear_hip_extension"] is not None:
            writer.writerow(
                [r["finished_at"], "rear_hip_extension_deg", r["side"], r["max_rear_hip_extension"]]
            )
    for p in data["psfs"]:
        writer.writerow([p["rated_at"], "psfs", p["activity"], p["score"]])
    for s in data["chair_stands"]:
        writer.writerow([s["created_at"], "chair_stand_30s", s["method"], s["count"]])
    return out.getvalue()
