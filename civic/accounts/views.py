import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civic.accounts import services
from civic.accounts.forms import ProfileForm
from civic.accounts.models import User
from civic.core.pagecache import anonymous_page


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    member = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=member)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            data["availability"] = form.cleaned_data["availability"]
            services.profile_update(
                member=member,
                data=data,
                interests=form.cleaned_data["interests"],
                avatar=form.cleaned_data.get("avatar_upload"),
                clear_avatar=form.cleaned_data.get("clear_avatar", False),
            )
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile_edit")
        # Nothing is saved on error; the instance was mutated by validation, so reload it.
        member.refresh_from_db()
    else:
        form = ProfileForm(
            instance=member,
            initial={"interests": member.interests.all(), "availability": member.availability},
        )
    return render(request, "accounts/profile_edit.html", {"form": form})


@anonymous_page("member:{pk}")
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's public page. Every anonymous visitor sees the same: cached until the member or
    their followers change (``member:<pk>``, bumped by ``AccountsConfig.ready``)."""
    member = get_object_or_404(User.objects.active().select_related("home_city"), pk=pk)
    is_following = (
        request.user.is_authenticated
        and request.user.pk != member.pk
        and member.follower_set.filter(follower=request.user).exists()
    )
    return render(
        request,
        "accounts/member_detail.html",
        {
            "member": member,
            "interests": member.interests.all(),
            "is_following": is_following,
            "followers_count": member.follower_set.count(),
        },
    )


@login_required
def following_list(request: HttpRequest) -> HttpResponse:
    follows = request.user.following_set.filter(followed__is_former=False).select_related("followed")
    return render(request, "accounts/following_list.html", {"follows": follows})


@login_required
@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User.objects.active().exclude(pk=request.user.pk), pk=pk)
    if services.follow_create(follower=request.user, followed=member):
        messages.success(request, _("You now follow %(name)s.") % {"name": member.public_name})
    return redirect("accounts:member_detail", pk=member.pk)


@login_required
@require_POST
def unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User.objects.active(), pk=pk)
    services.follow_delete(follower=request.user, followed=member)
    messages.success(request, _("You no longer follow %(name)s.") % {"name": member.public_name})
    return redirect("accounts:member_detail", pk=member.pk)


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    data = services.member_export(member=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False}, encoder=_Encoder)
    response["Content-Disposition"] = 'attachment; filename="civic-my-data.json"'
    return response


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if hasattr(o, "isoformat"):
            return o.isoformat()
        return str(o)


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm") == "DELETE":
            services.member_erase(member=request.user)
            logout(request)
            messages.success(
                request, _("Your account is deleted. What you published stays, signed “former member”.")
            )
            return redirect("home")
        messages.error(request, _("Type DELETE in capital letters to confirm."))
        return render(request, "accounts/account_delete.html", {"error": True}, status=400)
    return render(request, "accounts/account_delete.html")
