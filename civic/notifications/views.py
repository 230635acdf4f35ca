from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from civic.core.paginator import CappedPaginator
from civic.notifications.services import mark_read

# An inbox kept for years can hold thousands of messages: count up to 50 pages, never them all.
INBOX_CAP = 1500


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = CappedPaginator(request.user.notifications.all(), 30, cap=INBOX_CAP).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    mark_read(member=request.user)
    return redirect("notifications:inbox")
