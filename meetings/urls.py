from django.urls import path

from governance.public_cache import cached_public_page
from meetings.views import agenda_item, minutes_import, public, workspace

app_name = "meetings"

urlpatterns = [
    path("", public.meeting_list, name="list"),
    path("feed/", cached_public_page(public.MinutesFeed()), name="feed"),
    path("calendar.ics", public.calendar_ics, name="calendar"),
    path("export.md", public.export_markdown, name="export"),
    path("search/", public.search, name="search"),
    path("manage/", workspace.manage, name="manage"),
    path(
        "manage/from-inactive/",
        workspace.agenda_item_for_inactive,
        name="agenda_item_for_inactive",
    ),
    path("new/", workspace.meeting_new, name="new"),
    path("import/", minutes_import.import_minutes, name="import"),
    path("action-items/", workspace.my_action_items, name="action_items"),
    path("action-items/<int:pk>/", workspace.action_item_status, name="action_item_status"),
    path("<slug:slug>/", public.meeting_detail, name="detail"),
    path("<slug:slug>/v/<int:number>/", public.meeting_version, name="version"),
    path(
        "<slug:slug>/v/<int:number>/retract/",
        workspace.version_retract,
        name="version_retract",
    ),
    path("<slug:slug>/edit/", workspace.workspace, name="workspace"),
    path("<slug:slug>/carry-over/", workspace.carry_over, name="carry_over"),
    path("<slug:slug>/attendance/", workspace.attendance, name="attendance"),
    path("<slug:slug>/submit/", workspace.submit, name="submit"),
    path("<slug:slug>/review/", workspace.review, name="review"),
    path("<slug:slug>/publish/", workspace.publish, name="publish"),
    path("<slug:slug>/items/", workspace.item_new, name="item_new"),
    path("<slug:slug>/items/<int:pk>/", agenda_item.item_edit, name="item"),
    path("<slug:slug>/items/<int:pk>/move/", workspace.item_move, name="item_move"),
    path("<slug:slug>/items/<int:pk>/remove/", workspace.item_remove, name="item_remove"),
    path("<slug:slug>/items/<int:pk>/decisions/", agenda_item.decision_new, name="decision_new"),
    path(
        "<slug:slug>/items/<int:pk>/action-items/",
        agenda_item.action_item_new,
        name="action_item_new",
    ),
    path(
        "<slug:slug>/decisions/<int:pk>/remove/",
        agenda_item.decision_remove,
        name="decision_remove",
    ),
]
