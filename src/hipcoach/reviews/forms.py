from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hipcoach.reviews.upload import Problem, accepted_suffixes, check_video, max_bytes

MESSAGES = {
    "type": _("Please choose a video file. We can read %(types)s."),
    "empty": _("This file is empty. Please choose the video again."),
    "too_large": _(
        "This file is %(size)s; the largest video we can take is %(limit)s. Please send a "
        "shorter recording, or one saved in a lower quality."
    ),
    "not_video": _(
        "This file is not a video, although its name says so. Please choose the video itself."
    ),
    "unreadable": _(
        "This video could not be opened: it may be damaged or incomplete. Please copy it "
        "from your phone or camera again."
    ),
    "too_long": _(
        "This video is %(minutes)s minutes long; we can take up to %(limit)s minutes. Please "
        "send a shorter recording: one stretch on each side is enough."
    ),
}


def problem_error(problem: Problem) -> ValidationError:
    params = dict(problem.params)
    if problem.code == "too_large":
        params = {"size": filesizeformat(params["size"]), "limit": filesizeformat(params["limit"])}
    if problem.code == "type":
        params = {"types": ", ".join(s.lstrip(".").upper() for s in accepted_suffixes())}
    return ValidationError(MESSAGES[problem.code], code=problem.code, params=params)


class VideoUploadForm(forms.Form):
    video = forms.FileField(
        label=_("Your video"),
        help_text=_("Choose the video file from your phone, tablet or computer."),
        error_messages={
            "required": _("Please choose a video to send."),
            "empty": MESSAGES["empty"],
        },
        widget=forms.ClearableFileInput(attrs={"accept": "video/*"}),
    )

    def __init__(self, *args: Any, oversized: int | None = None, **kwargs: Any) -> None:
        """``oversized``: the upload was stopped at this many bytes (see upload.UploadLimit)."""
        super().__init__(*args, **kwargs)
        self.oversized = oversized

    def full_clean(self) -> None:
        super().full_clean()
        if self.oversized is not None and self.is_bound:
            # The file was not read, so whatever else was said about it is beside the point.
            self.errors.pop("video", None)
            self.add_error(
                "video",
                problem_error(Problem("too_large", {"size": self.oversized, "limit": max_bytes()})),
            )

    def clean_video(self) -> Any:
        video = self.cleaned_data["video"]
        problem = check_video(video)
        if problem is not None:
            raise problem_error(problem)
        return video

    def limit_text(self) -> str:
        return str(filesizeformat(max_bytes()))
