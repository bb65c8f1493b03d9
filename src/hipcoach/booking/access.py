"""Who sees which appointment and edits whose availability, on top of accounts.access.

A patient sees their own appointments; a clinician sees their own clinic's. A clinician edits
their own availability, and a clinic administrator any clinician's of the same clinic. Anyone
else gets a 404, never a hint that the appointment or person exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from hipcoach.accounts.access import can_read_patient, is_clinic_admin
from hipcoach.accounts.models import Role, User
from hipcoach.booking.models import Appointment


def appointments_for(user: User) -> QuerySet[Appointment]:
    base = Appointment.objects.select_related("clinic", "clinician", "patient")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.is_patient:
        return base.filter(patient=user)
    if user.is_clinician and user.clinic_id is not None:
        return base.filter(clinic_id=user.clinic_id, patient__clinic_id=user.clinic_id)
    return base.none()


def access_appointment(user: User, pk: int) -> Appointment:
    """An appointment the user may see, else 404."""
    appointment = appointments_for(user).filter(pk=pk).first()
    if appointment is None or not can_read_patient(user, appointment.patient):
        raise Http404
    return appointment


def access_own_appointment(patient: User, pk: int) -> Appointment:
    """For changing a visit: only the patient whose visit it is."""
    appointment = access_appointment(patient, pk)
    if appointment.patient_id != patient.pk:
        raise Http404
    return appointment


def access_availability_of(user: User, clinician_id: int) -> User:
    """The clinician whose availability ``user`` may edit, else 404."""
    if not user.is_clinician or user.clinic_id is None or not user.is_active:
        raise Http404
    if clinician_id == user.pk:
        return user
    if not is_clinic_admin(user):
        raise Http404
    found = User.objects.filter(
        pk=clinician_id, role=Role.CLINICIAN, clinic_id=user.clinic_id
    ).first()
    if found is None:
        raise Http404
    return found
