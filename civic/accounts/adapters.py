from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        # A new member's language is the one they signed up in.
        user.language = translation.get_language() or "fr"
        return super().save_user(request, user, form, commit=commit)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = " ".join(x for x in (data.get("first_name"), data.get("last_name")) if x)
        user.display_name = name[:80]
        user.language = translation.get_language() or "fr"
        return user
