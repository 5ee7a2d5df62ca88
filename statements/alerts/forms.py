from django import forms
from django.contrib.auth.base_user import BaseUserManager

from .models import QUERY_MAX_LENGTH


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="Used for these alerts only. Every mail has a link to stop them and delete it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    label = forms.CharField(
        label="Name this alert (optional)",
        max_length=200,
        required=False,
        help_text="Shown as the heading of its part of the digest.",
    )
    query = forms.CharField(max_length=QUERY_MAX_LENGTH, required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return BaseUserManager.normalize_email(self.cleaned_data["email"].strip())

    def clean_label(self) -> str:
        return " ".join(self.cleaned_data["label"].split())
