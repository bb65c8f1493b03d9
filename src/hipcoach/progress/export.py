"""Export my data: everything stored about the patient, as JSON and as CSV.

Every kind of data kept about a patient appears here, and account deletion (actions.py)
removes the same things; tests/progress walks every relation to the user to keep both true.
Not here: the invitation's token hash (a secret of the link, not data about the person) and
the video files themselves, which the export points to instead (they can be hundreds of MB).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coach.timeline import InvalidTimeline, parse_timeline
from hipcoach.accounts.models import Invitation, User
from hipcoach.booking.models import Appointment
from hipcoach.checkin.models import CheckIn, HealthProfile, KnownSign, Stop
from hipcoach.practice.models import Program, SetResult, StretchSession
from hipcoach.progress.models import ChairStandResult, PSFSRating
from hipcoach.reviews.models import ReviewStatus, VideoReview


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _person(user: User | None) -> str | None:
    return str(user) if user is not None else None


def _invitation(patient: User) -> dict[str, Any] | None:
    found = Invitation.objects.filter(created_user=patient).select_related("clinic", "invited_by")
    invitation = found.first()
    if invitation is None:
        return None
    return {
        "clinic": invitation.clinic.name,
        "invited_by": _person(invitation.invited_by),
        "name": invitation.name,
        "email": invitation.email,
        "language": invitation.language,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "used_at": _when(invitation.used_at),
    }


def _review(review: VideoReview) -> dict[str, Any]:
    has_video = review.status == ReviewStatus.DONE and bool(review.annotated.name)
    return {
        "created_at": review.created_at.isoformat(),
        "original_name": review.original_name,
        "size_bytes": review.size,
        "uploaded_by": _person(review.uploaded_by),
        "status": review.status,
        "error": review.error_message() or None,
        "protocol_id": review.protocol_id,
        "hold_s": review.hold_s,
        "sets_per_side": review.sets_per_side,
        "started_at": _when(review.started_at),
        "finished_at": _when(review.finished_at),
        "result": review.result,
        "timeline": review.timeline,
        "page": reverse("reviews:detail", kwargs={"pk": review.pk}),
        "annotated_video": (
            reverse("reviews:annotated", kwargs={"pk": review.pk}) if has_video else None
        ),
    }


def export_data(patient: User) -> dict[str, Any]:
    """All of it; notes and addresses in the patient's own language."""
    with translation.override(patient.language or "en"):
        return _export_data(patient)


def _export_data(patient: User) -> dict[str, Any]:
    reviews = VideoReview.objects.filter(patient=patient).select_related("uploaded_by")
    return {
        "format": "hipcoach-export",
        "version": 1,
        "user": {
            "username": patient.username,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "email": patient.email,
            "phone": patient.phone,
            "language": patient.language,
            "timezone": patient.timezone,
            "clinic": patient.clinic.name if patient.clinic else None,
            "joined": patient.date_joined.isoformat(),
        },
        "invitation": _invitation(patient),
        "programs": [
            {
                "created_at": p.created_at.isoformat(),
                "prescribed_by": _person(p.prescribed_by),
                "protocol_id": p.protocol_id,
                "hold_s": p.hold_s,
                "sets_per_side": p.sets_per_side,
                "first_side": p.first_side,
                "variant": p.variant,
                "sessions_per_day": p.sessions_per_day,
                "sessions_per_week": p.sessions_per_week,
                "chair_stand_every_weeks": p.chair_stand_every_weeks,
                "notes": p.notes,
            }
            for p in Program.objects.filter(patient=patient)
            .select_related("prescribed_by")
            .order_by("created_at", "id")
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
                "known": c.known,
                "modification": c.modification,
            }
            for c in CheckIn.objects.filter(patient=patient).order_by("created_at", "id")
        ],
        "health_profiles": [
            {
                "created_at": h.created_at.isoformat(),
                "changed_by": _person(h.changed_by),
                "hip_replacement": h.hip_replacement,
                "hip_approach": h.hip_approach,
                "hip_replacement_date": h.hip_replacement_date.isoformat()
                if h.hip_replacement_date
                else None,
                "surgeon_cleared": h.surgeon_cleared,
                **{name: getattr(h, name) for name in HealthProfile.FLAGS},
            }
            for h in HealthProfile.objects.filter(patient=patient)
            .select_related("changed_by")
            .order_by("created_at", "id")
        ],
        "stops": [
            {
                "created_at": s.created_at.isoformat(),
                "level": s.level,
                "flags": s.flags,
                "lapses_at": _when(s.lapses_at),
                "acknowledged_at": _when(s.acknowledged_at),
                "acknowledged_by": _person(s.acknowledged_by),
                "cleared_at": _when(s.cleared_at),
                "cleared_by": _person(s.cleared_by),
                "notes": [
                    {
                        "created_at": n.created_at.isoformat(),
                        "author": _person(n.author),
                        "text": n.text,
                        "cleared": n.cleared,
                    }
                    for n in s.notes.all()
                ],
            }
            for s in Stop.objects.filter(patient=patient)
            .select_related("acknowledged_by", "cleared_by")
            .prefetch_related("notes__author")
            .order_by("created_at", "id")
        ],
        "known_signs": [
            {
                "rule_id": k.rule_id,
                "accepted_at": k.accepted_at.isoformat(),
                "accepted_by": _person(k.accepted_by),
            }
            for k in KnownSign.objects.filter(patient=patient).select_related("accepted_by")
        ],
        "sessions": [
            {
                "started_at": s.started_at.isoformat(),
                "ended_at": _when(s.ended_at),
                "status": s.status,
                "mode": s.mode,
                "variant": s.variant,
                "protocol_id": s.protocol_id,
                "hold_s": s.hold_s,
                "sets_per_side": s.sets_per_side,
                "first_side": s.first_side,
                "language": s.language,
                "timeline": s.timeline,
            }
            for s in StretchSession.objects.filter(patient=patient).order_by("started_at", "id")
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
            {
                "activity": r.activity.name,
                "still_rated": r.activity.active,
                "score": r.score,
                "rated_at": r.rated_at.isoformat(),
            }
            for r in PSFSRating.objects.filter(activity__patient=patient).select_related("activity")
        ],
        "chair_stands": [
            {
                "score": r.count,  # 0 when the hands were used to stand (CDC STEADI)
                "full_stands": r.raw_count,
                "used_hands": r.used_hands,
                "method": r.method,
                "created_at": r.created_at.isoformat(),
            }
            for r in ChairStandResult.objects.filter(patient=patient).order_by("created_at", "id")
        ],
        "appointments": [
            {
                "clinic": a.clinic.name,
                "clinician": _person(a.clinician),
                "starts_at": a.starts_at.isoformat(),
                "ends_at": a.ends_at.isoformat(),
                "status": a.status,
                "reason": a.reason,
                "booked_at": a.created_at.isoformat(),
                "cancelled_at": _when(a.cancelled_at),
                "moved_from": _when(a.rescheduled_from.starts_at if a.rescheduled_from else None),
            }
            for a in Appointment.objects.filter(patient=patient)
            .select_related("clinic", "clinician", "rescheduled_from")
            .order_by("starts_at", "id")
        ],
        "video_reviews_note": _(
            "The videos themselves are not in this file. While you are signed in, you can "
            "download the analysed copy of each video from its review page (the addresses are "
            "listed with each review, on this website). Deleting your account deletes the "
            "videos too."
        ),
        "video_reviews": [_review(r) for r in reviews.order_by("created_at", "id")],
    }


# Text a spreadsheet would run as a formula (OWASP "CSV injection"); notes and reasons are
# free text, some of it typed by someone else.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _span_rows(date: str, measure: str, timeline: dict[str, Any]) -> list[list[object]]:
    """One row per phase or fault of a stored timeline; its length in seconds is the value."""
    try:
        spans = parse_timeline(timeline)
    except InvalidTimeline:
        return [[date, measure, "unreadable timeline (it is in the JSON export as stored)", ""]]
    rows: list[list[object]] = []
    for span in spans:
        where = f" {span.side.value} set {span.set_number}" if span.side else ""
        detail = f"{span.kind} {span.code}{where} from {span.start_ms / 1000:.1f} s"
        rows.append([date, measure, detail, round(span.duration_ms / 1000, 2)])
    return rows


def export_csv(patient: User) -> str:
    """One row per fact: date, measure, detail, value — opens in any spreadsheet."""
    data = export_data(patient)
    rows: list[list[object]] = []
    user = data["user"]
    for key in ("username", "first_name", "last_name", "email", "language", "timezone", "clinic"):
        rows.append([user["joined"], "account", key, user[key]])
    if (invitation := data["invitation"]) is not None:
        for key in ("clinic", "invited_by", "name", "email", "language", "expires_at", "used_at"):
            rows.append([invitation["created_at"], "invitation", key, invitation[key]])
    for p in data["programs"]:
        for key, value in p.items():
            if key != "created_at":
                rows.append([p["created_at"], "program", key, value])
    for c in data["check_ins"]:
        if c["pain_now"] is not None:
            rows.append([c["created_at"], "pain_now", "", c["pain_now"]])
        rows.append([c["created_at"], "check_in_outcome", ";".join(c["flags"]), c["outcome"]])
    for s in data["sessions"]:
        detail = " ".join(x for x in (s["mode"], s["variant"]) if x)
        rows.append([s["started_at"], "session", detail, s["status"]])
        rows += _span_rows(s["started_at"], "session_timeline", s["timeline"])
    for r in data["sets"]:
        detail = f"{r['side']} set {r['set']}" + ("" if r["form_checked"] else " (timer only)")
        rows.append([r["finished_at"], "good_form_s", detail, r["good_form_s"]])
        if r["max_rear_hip_extension"] is not None:
            rows.append(
                [r["finished_at"], "rear_hip_extension_deg", r["side"], r["max_rear_hip_extension"]]
            )
    for p in data["psfs"]:
        rows.append([p["rated_at"], "psfs", p["activity"], p["score"]])
    for s in data["chair_stands"]:
        detail = s["method"] + (" (hands used: scored 0)" if s["used_hands"] else "")
        rows.append([s["created_at"], "chair_stand_30s", detail, s["score"]])
        rows.append([s["created_at"], "chair_stand_30s_full_stands", s["method"], s["full_stands"]])
    for a in data["appointments"]:
        detail = f"{a['clinician']} at {a['clinic']}" + (f": {a['reason']}" if a["reason"] else "")
        rows.append([a["starts_at"], "appointment", detail, a["status"]])
    for v in data["video_reviews"]:
        date, name = v["created_at"], v["original_name"]
        rows.append([date, "video_review", name, v["status"]])
        result = v["result"] or {}
        if "good_form_s" in result:
            rows.append([date, "video_good_form_s", name, result["good_form_s"]])
        rows += _span_rows(date, "video_timeline", v["timeline"])
        if v["annotated_video"]:
            rows.append([date, "video_download", name, v["annotated_video"]])
    if data["video_reviews"]:
        rows.append(["", "note", "videos", data["video_reviews_note"]])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "measure", "detail", "value"])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()
