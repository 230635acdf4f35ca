from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from civic.organizations.models import Invitation
from civic.organizations.services import invitation_decide, invitation_role


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The invited member reads the invitation and accepts or declines it (POST). Anyone else,
    the inviter included, gets a 404: an invitation's existence is the member's business."""
    invitation = get_object_or_404(
        Invitation.objects.of_member(request.user).select_related("inviter"), token=token
    )
    target = invitation.target
    if target is None:
        raise Http404
    if request.method == "POST" and invitation.is_pending:
        accept = request.POST.get("decision") == "accept"
        invitation_decide(invitation=invitation, by=request.user, accept=accept)
        messages.success(request, _("Invitation accepted.") if accept else _("Invitation declined."))
        return redirect("organizations:invitation", token=token)
    return render(
        request,
        "organizations/invitation_detail.html",
        {"invitation": invitation, "target": target, "role": invitation_role(invitation.role).label},
    )
