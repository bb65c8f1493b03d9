"""The calendar invite (.ics) for an appointment: RFC 5545 through the icalendar library.

One UID per visit, kept when it is moved, with SEQUENCE raised each time, so calendar programs
update the event they already have. METHOD is REQUEST for a booking or a move and CANCEL for
a cancellation. Times are UTC, which every calendar program shows in its own zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from hipcoach.booking.models import Appointment

PRODID = "-//hipcoach//booking//EN"


def invite(appointment: Appointment, language: str, *, now: datetime | None = None) -> bytes:
    """The invite as bytes; strings in ``language`` (call it inside translation.override)."""
    clinic = appointment.clinic
    cancelled = not appointment.is_booked
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", appointment.uid)
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    name = clinic.display_name(language)
    event.add(
        "summary",
        _("Appointment at %(clinic)s with %(clinician)s")
        % {"clinic": name, "clinician": appointment.clinician},
    )
    address = clinic.display_address(language)
    if address:
        event.add("location", vText(" ".join(address.split())))
    reach = [value for value in (clinic.phone, clinic.whatsapp_url, clinic.line_url) if value]
    if reach:
        event.add("description", _("To reach the clinic: %(ways)s") % {"ways": ", ".join(reach)})
    if clinic.email:
        event.add("organizer", vCalAddress.new(f"mailto:{clinic.email}", cn=name))
    if appointment.patient.email:
        event.add(
            "attendee",
            vCalAddress.new(
                f"mailto:{appointment.patient.email}",
                cn=str(appointment.patient),
                role="REQ-PARTICIPANT",
            ),
        )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Appointment at %(clinic)s") % {"clinic": name})
        alarm.add("trigger", timedelta(hours=-2))
        event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())
