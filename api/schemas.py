"""What each answer holds: public facts only, named field by field (never a model's every
field), so a private column added to a model later cannot reach the API by accident."""

import datetime

from ninja import Field, Schema


class Page(Schema):
    count: int = Field(description="How many items the whole list has.")
    page: int = Field(description="This page's number, from 1.")
    page_size: int
    pages: int = Field(description="How many pages the list has at this page size.")
    next: str | None = Field(description="The next page's address, or null on the last.")
    previous: str | None = Field(description="The previous page's address, or null on the first.")


class Person(Schema):
    full_name: str
    github: str | None = Field(description="GitHub handle; null for someone listed without one.")


class Module(Schema):
    slug: str
    name: str
    includes: str = Field(description="What else the module covers, as the roster says it.")
    group: str = Field(description="core, external or sunsetted.")
    group_name: str = Field(description="The group's heading in the project's own file, if any.")
    paths: list[str] = Field(description="Repository path patterns the module owns.")
    maintainers: list[Person]
    reviewers: list[Person]
    emeritus_maintainers: list[Person]
    emeritus_reviewers: list[Person]
    url: str = Field(description="The module's public page.")


class ProjectRoles(Schema):
    lead_core_maintainers: list[Person]
    core_maintainers: list[Person]
    emeritus_lead_core_maintainers: list[Person]
    emeritus_core_maintainers: list[Person]


class RosterPage(Page):
    project: ProjectRoles = Field(description="The project-wide roles, the same on every page.")
    results: list[Module] = Field(description="Active modules, in the repository files' order.")


class Minutes(Schema):
    slug: str = Field(description="The meeting's address.")
    title: str
    kind: str = Field(description="quarterly or other.")
    starts_at: datetime.datetime
    version: int = Field(description="The number of the published version shown.")
    published_at: datetime.datetime
    change_note: str = Field(description="What this version changed, if it is not the first.")
    redactions: dict[str, int] = Field(description="How many passages were redacted, by reason.")
    markdown: str = Field(description="The published, redacted minutes as Markdown.")
    html: str = Field(description="The same, rendered and sanitised.")
    url: str = Field(description="The minutes' public page.")


class MinutesPage(Page):
    results: list[Minutes] = Field(
        description="The latest published version of each meeting not retracted, newest first."
    )


class MinutesVersion(Schema):
    version: int
    title: str
    starts_at: datetime.datetime
    published_at: datetime.datetime
    retracted_at: datetime.datetime | None = Field(
        description="When the version was retracted; its text is then the notice of that."
    )
    change_note: str = Field(description="What this version changed; empty once retracted.")
    redactions: dict[str, int] = Field(
        description="How many passages were redacted, by reason; empty once retracted."
    )
    markdown: str
    html: str
    url: str


class MeetingMinutes(Schema):
    slug: str
    current_version: int = Field(
        description="The version the meeting's page shows: the latest not retracted, or with "
        "every one retracted, the latest."
    )
    versions: list[MinutesVersion] = Field(description="Every published version, latest first.")


class Announcement(Schema):
    id: int
    text: str
    released_at: datetime.datetime
    profile_url: str | None = Field(
        description="The public page of the person announced; null for someone without a handle."
    )


class AnnouncementPage(Page):
    results: list[Announcement] = Field(description="Released announcements, newest first.")


class Problem(Schema):
    detail: str
