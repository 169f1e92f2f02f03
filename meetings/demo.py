"""Demo meetings: the two published meetings of the reference minutes (October 2022 and
March 2023), restated in this project's words and redacted where the originals were, and a draft
of the next meeting with the open action items carried over.

The facts follow the reference; the sentences and the people are the demo's own. What the
originals redacted is invented here, with the demo's fictional people, so that the redaction has
something to hide. Idempotent: a meeting that exists is left as it is. Every change goes through
the services, as the personas.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from governance.models import Person
from meetings import services
from meetings.models import ActionItemStatus, DecisionOutcome, Meeting, Visibility
from nominations.models import Nomination


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 16, 0, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class DemoAction:
    text: str
    owners: tuple[str, ...] = ()
    done: bool = False


@dataclass(frozen=True)
class DemoItem:
    title: str
    notes: str = ""
    visibility: str = Visibility.PUBLIC
    public_summary: str = ""
    day_of_meeting: bool = False
    decisions: tuple[tuple[str, str], ...] = ()
    actions: tuple[DemoAction, ...] = ()
    nominees: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoMeeting:
    slug: str
    title: str
    starts_at: datetime.datetime
    items: tuple[DemoItem, ...]
    attendees: tuple[str, ...] = ("madeyemi", "praman", "jkeller", "anovak", "tortega")
    publish: bool = True
    announcement_url: str = ""
    reviewers: tuple[str, ...] = field(default=("lead", "core2", "core3"))


OCTOBER_2022 = DemoMeeting(
    slug="core-maintainers-meeting-october-2022",
    title="Core Maintainers Meeting October 2022",
    starts_at=_at(2022, 10, 14),
    items=(
        DemoItem(
            title="Reviewers and maintainers: one role or two?",
            notes=(
                "- Should reviewing carry a role of its own?\n"
                "  - Is a maintainer responsible for more than reviews?\n"
                "  - Could people be nominated to review, without a vote in governance?\n"
                "- Areas that are short of reviewers, such as CPU and the back-ends, might gain."
            ),
            decisions=(
                (
                    DecisionOutcome.REJECTED,
                    "No reviewer-only role. Someone with a record of doing the work well should "
                    "be trusted as a module maintainer; the aim is more maintainers in "
                    "understaffed areas.",
                ),
            ),
        ),
        DemoItem(
            title="A nomination for an additional module maintainer",
            notes=(
                "- [redact: Specific example]Kwame Asante for NN APIs: about 150 reviews this "
                "year, support from two of the three maintainers[/redact]\n"
                "- A new maintainer of a module should already have:\n"
                "  - reviewed changes and moved the module forward;\n"
                "  - triaged issues correctly and kept the quality bar high;\n"
                "  - shown responsibility and the judgement the module needs;\n"
                "    - promotion trails the work, it does not lead it;\n"
                "  - committed to maintaining the module from here on.\n"
                "- Handling nominations:\n"
                "  - whoever decides needs enough context to decide as things stand;\n"
                "  - input is needed from people who are not in this meeting;\n"
                "  - the evidence can be discussed privately, in a shared document or by email."
            ),
            decisions=((DecisionOutcome.REJECTED, "The nomination was not approved."),),
        ),
        DemoItem(
            title="How does a contributor qualify as a maintainer?",
            notes=(
                "- Should the governance page's criteria be made less vague?\n"
                "- The bar is hard to reach without access: some design meetings are open only "
                "to employees of one company.\n"
                "  - Give people access and the chance to contribute.\n"
                "  - Invitation-only information flow keeps discussions internal; break that "
                "cycle.\n"
                "  - Bringing others in should be everyone's job, as the TorchVision "
                "maintainers already do.\n"
                "- Special situations can still be escalated.\n"
                "- Maintainers should want more maintainers: more features, review load shared.\n"
                "- What are a maintainer's duties?\n"
                "  - Public roadmap meetings, mailing lists?\n"
                "  - Meet once a quarter on the roadmap, in step with releases, and join each "
                "release's retrospective.\n"
                "  - State the module's requirements and report on its state."
            ),
            decisions=(
                (
                    DecisionOutcome.NO_ACTION,
                    "Nothing decided; the core maintainers keep discussing it.",
                ),
            ),
        ),
        DemoItem(
            title="What these minutes should publish",
            decisions=(
                (
                    DecisionOutcome.FOLLOW_UP,
                    "The maintainers review the notes and choose what to share with the "
                    "community, redacting personal information about nominations above all.",
                ),
            ),
        ),
        DemoItem(
            title="A proposal for tiers of code review",
            notes=(
                "- Core reviewers: broadly welcome.\n"
                "- Add more core reviewers? Yes.\n"
                "  - A core reviewers section, with a broader definition during the transition "
                "only.\n"
                "  - Move maintainers to the right subprojects.\n"
                "  - List the people who keep the lights on.\n"
                "  - Base it on time spent working on the project; they stamp commits.\n"
                "- As things stand some people could no longer merge."
            ),
            decisions=((DecisionOutcome.FOLLOW_UP, "Follow-up actions were assigned."),),
            actions=(
                DemoAction(
                    "Open up the merge rules so that reviewers can still merge.", ("praman",)
                ),
                DemoAction("Remove the special privileges of one employer's staff.", ("tortega",)),
                DemoAction(
                    "Keep the merge rules file in step with the module structure.",
                    ("jkeller",),
                    done=True,
                ),
            ),
        ),
        DemoItem(
            title="Vendors asking to add data types such as FP8 to core",
            notes=(
                "- Two FP8 formats exist; they would be separate dtypes.\n"
                "- Bring the relevant core maintainers into these high-bandwidth discussions."
            ),
            decisions=((DecisionOutcome.REFERRED, "Use the usual RFC and design review process."),),
            actions=(
                DemoAction(
                    "Ask the architecture optimisation team to review the FP8 work, and hold a "
                    "one-hour meeting on the pull request they intend to send.",
                    ("jkeller", "hsato"),
                ),
            ),
        ),
    ),
)

MARCH_2023 = DemoMeeting(
    slug="core-maintainers-meeting-march-24th-2023",
    title="Core Maintainers Meeting March 24th, 2023",
    starts_at=_at(2023, 3, 24),
    items=(
        DemoItem(
            title="Module maintainer nominations",
            notes=(
                "- [redact: specific examples]Nominees: Ife Okonkwo (CPU Performance), Lina "
                "Haddad (Data Loader), Daniel Park (Sparse) and Mira Kovacs (CUDA), with the "
                "evidence for each[/redact]\n"
                "- Summary: four nominations for module maintainer were considered.\n"
                "  - Two were accepted; dev-discuss will carry the announcement within days.\n"
                "  - Two were not; their nominees and nominators hear the feedback privately.\n"
                "- Other discussion about module maintainers:\n"
                "  - Several maintainers are no longer active in their areas and move to "
                "emeritus.\n"
                "  - How finely to divide the areas around the compiler and the hardware "
                "back-ends.\n"
                "  - The taxonomy predates the PT2 compiler architecture and needs updating.\n"
                "  - Proposal:\n"
                "\n"
                "Current taxonomy: Compilers; CPU Performance; Intel/MKLDNN.\n"
                "\n"
                "Proposed taxonomy:\n"
                "\n"
                "- Compiler Front End (includes Dynamo, FX)\n"
                "- CPU Performance (includes inductor, MKLDNN, LLVM)\n"
                "- GPU Performance (includes inductor, OpenAI Triton)"
            ),
        ),
        DemoItem(
            title="A core maintainer nomination",
            notes=(
                "- [redact: specific example]Amelia Novak, on her compiler and ONNX "
                "work[/redact]\n"
                "- Summary: the new core maintainer was accepted.\n"
                "  - The announcement follows separately."
            ),
        ),
        DemoItem(
            title="Transformers are everywhere: a competitive threat, and how to respond?",
            day_of_meeting=True,
            notes=(
                "- What if transformers end innovation in model architectures?\n"
                "  - Could something narrow come to dominate?\n"
                "- Unlikely, but if it happened:\n"
                "  - generality would matter less as what sets PyTorch apart;\n"
                "  - large-scale training performance and scaling out of the box would matter "
                "more.\n"
                "- A possible goal: state-of-the-art training performance and scaling out of the "
                "box, across vendors.\n"
                "- It is about scaling to the frontier as much as about one architecture "
                "(distributed, FSDP, 3D parallelism).\n"
                "- Some vendors sell vertical stacks, from hardware to user APIs.\n"
                "- The answer: a platform-independent end-to-end story people get excited about.\n"
                "- Most pieces exist; composing them out of the box is what is missing."
            ),
            decisions=(
                (DecisionOutcome.FOLLOW_UP, "Three core maintainers take it on as a small group."),
            ),
            actions=(
                DemoAction(
                    "As a small group, work out the out-of-the-box training performance and "
                    "scaling story.",
                    ("madeyemi", "jkeller", "anovak"),
                ),
            ),
        ),
        DemoItem(
            title="Supporting the safetensors format in PyTorch?",
            day_of_meeting=True,
            notes=(
                "- The format has no views and no complex nested types.\n"
                "- Two formats would be confusing for users.\n"
                "- Improving the native serialization may be the better path.\n"
                "- A lightweight C++ API in core, independent of the JIT, is a good idea.\n"
                "- Nested types are rare; views are central."
            ),
            decisions=(
                (DecisionOutcome.REJECTED, "Rejected on coverage, complexity and composability."),
            ),
        ),
    ),
)

NEXT_MEETING = DemoMeeting(
    slug="core-maintainers-meeting-june-2023",
    title="Core Maintainers Meeting June 2023",
    starts_at=_at(2023, 6, 23),
    publish=False,
    items=(
        DemoItem(
            title="Module maintainer nominations",
            visibility=Visibility.SUMMARY,
            notes=(
                "- [redact: specific examples]The decline was about design-review depth; the "
                "nominators will bring it back in two quarters[/redact]\n"
                "- Linked nominations give the public summary; declined nominees are never "
                "named."
            ),
            nominees=("dpark", "iokonkwo", "kasante"),
        ),
        DemoItem(
            title="Applying the new module taxonomy",
            notes=(
                "- The March proposal was applied: Compiler Front End, CPU Performance (Intel/"
                "MKLDNN folded in) and GPU Performance.\n"
                "- Maintainers moved with their modules; check the roster for gaps."
            ),
        ),
        DemoItem(
            title="A conduct report",
            visibility=Visibility.PRIVATE,
            notes="- Handled by the lead with the code of conduct committee; nothing to publish.",
        ),
    ),
)


class MeetingDemoLoader:
    def __init__(self, *, log=print) -> None:
        self.log = log
        self.users = {user.username: user for user in get_user_model().objects.all()}
        self.people = {person.github: person for person in Person.objects.exclude(github="")}

    def load(self) -> None:
        for spec in (OCTOBER_2022, MARCH_2023, NEXT_MEETING):
            if Meeting.objects.filter(slug=spec.slug).exists():
                continue
            meeting = self.write(spec)
            if spec.publish:
                self.publish(meeting, spec)
                self.log(f"Published the minutes of {meeting.title}.")
            else:
                carried = meeting.carried_action_items.count()
                self.log(f"Drafted {meeting.title}, with {carried} action items carried over.")

    def write(self, spec: DemoMeeting) -> Meeting:
        core1 = self.users["core1"]
        meeting = services.meeting_create(
            actor=core1,
            title=spec.title,
            slug=spec.slug,
            starts_at=spec.starts_at,
            announcement_url=spec.announcement_url,
            attendees=[self.people[github] for github in spec.attendees],
        )
        for item_spec in spec.items:
            item = services.agenda_item_add(
                actor=core1,
                meeting=meeting,
                title=item_spec.title,
                notes=item_spec.notes,
                visibility=item_spec.visibility,
                public_summary=item_spec.public_summary,
                added_day_of_meeting=item_spec.day_of_meeting,
                nominations=Nomination.objects.filter(nominee__github__in=item_spec.nominees),
            )
            for outcome, text in item_spec.decisions:
                services.decision_add(actor=core1, item=item, outcome=outcome, text=text)
            for action in item_spec.actions:
                action_item = services.action_item_add(
                    actor=core1,
                    item=item,
                    text=action.text,
                    owners=[self.people[github] for github in action.owners],
                )
                if action.done:
                    services.action_item_update(
                        actor=core1, action_item=action_item, status=ActionItemStatus.DONE
                    )
        return meeting

    def publish(self, meeting: Meeting, spec: DemoMeeting) -> None:
        services.minutes_submit(actor=self.users["core1"], meeting=meeting)
        for username in spec.reviewers:
            meeting.refresh_from_db(fields=["status"])
            if meeting.status != "in_review":
                break
            services.minutes_review(actor=self.users[username], meeting=meeting, verdict="approve")
