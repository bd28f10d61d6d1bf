"""Forms of the public site: a reader's comment and sign-up; the staff's post and newsletter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tonle.public.models import Newsletter, Post


class CommentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(
        label=_("Email"), help_text=_("Your email address will not be published.")
    )
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=5000)  # fmt: skip
    notify = forms.BooleanField(label=_("Email me when my comment is published"), required=False)
    # No person sees this field (hidden by the stylesheet, skipped by the keyboard); a robot
    # filling every field fills it.
    website = forms.CharField(
        label=_("Leave this empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # fmt: skip
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    consent = forms.BooleanField(label="", required=True)

    def __init__(self, *args: Any, consent_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text


class PostForm(forms.ModelForm):
    tag_names = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas.")
    )

    class Meta:
        model = Post
        fields = ["title_en", "title_km", "slug", "body_en", "body_km", "image", "image_alt",
                  "category", "status", "publish_at", "comments_open"]  # fmt: skip
        widgets = {
            "title_km": forms.TextInput(attrs={"lang": "km"}),
            "body_en": forms.Textarea(attrs={"rows": 14}),
            "body_km": forms.Textarea(attrs={"rows": 14, "lang": "km"}),
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty: made from the title.")
        if self.instance.pk:
            self.initial["tag_names"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        # Only a new upload is cleaned by the service; the stored picture stays as it is.
        return image if image and hasattr(image, "content_type") else None


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = ["subject_en", "subject_km", "body_en", "body_km"]
        widgets = {
            "subject_km": forms.TextInput(attrs={"lang": "km"}),
            "body_en": forms.Textarea(attrs={"rows": 12}),
            "body_km": forms.Textarea(attrs={"rows": 12, "lang": "km"}),
        }
