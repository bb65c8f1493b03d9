"""Who may read whose data: the one home for that rule, used by every view and socket.

A patient reads only their own record. A clinician reads the patients of their own clinic.
Anyone else, including a clinician of another clinic, gets a 404: never a hint that the
person exists. Everything that reads patient data asks here first (the practice and check-in
access modules build on it), and tests/web/test_access_matrix.py walks every route to prove it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from hipcoach.accounts.models import Invitation, Role, User


def can_read_patient(user: User, patient: User) -> bool:
    if not user.is_authenticated or not user.is_active or not patient.is_patient:
        return False
    if user.pk == patient.pk:
        return True
    return user.is_clinician and user.clinic_id is not None and patient.clinic_id == user.clinic_id


def access_patient_by_id(user: User, patient_id: int) -> User:
    """The patient, if ``user`` may read their record; otherwise 404."""
    patient = User.objects.filter(pk=patient_id, role=Role.PATIENT).first()
    if patient is None or not can_read_patient(user, patient):
        raise Http404
    return patient


def access_clinic_patient_by_id(clinician: User, patient_id: int) -> User:
    """For clinician-only pages (prescribing, review): the patient must be in their clinic."""
    if not clinician.is_clinician:
        raise Http404
    return access_patient_by_id(clinician, patient_id)


def patients_of(clinician: User) -> QuerySet[User]:
    """The clinician's own clinic's patients; nobody for anyone else."""
    if not clinician.is_clinician or clinician.clinic_id is None or not clinician.is_active:
        return User.objects.none()
    return User.objects.filter(clinic_id=clinician.clinic_id, role=Role.PATIENT)


def is_clinic_admin(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_clinician
        and user.is_clinic_admin
        and user.clinic_id is not None
    )


def invitations_of(clinician: User) -> QuerySet[Invitation]:
    """The invitations of the clinician's own clinic: they name people who may become patients."""
    if not clinician.is_clinician or clinician.clinic_id is None or not clinician.is_active:
        return Invitation.objects.none()
    return Invitation.objects.filter(clinic_id=clinician.clinic_id).select_related("invited_by")


def access_invitation_by_id(clinician: User, invitation_id: int) -> Invitation:
    invitation = invitations_of(clinician).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation
