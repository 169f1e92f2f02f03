"""Demo data of a PyTorch-like project: its modules, people, roles and the 2023 taxonomy revision.

The facts follow the project's published governance; the people are invented. Loading is
idempotent: what exists is left as it is, and what is missing is added through the services.
"""

import datetime
from base64 import b32decode
from binascii import hexlify, unhexlify
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import permissions, selectors, services
from governance.models import (
    ExportSettings,
    MergeRule,
    Module,
    ModuleGroup,
    ModuleStatus,
    Person,
    PersonActivity,
    Role,
    RoleKind,
    RoleStatus,
    TaxonomyRevision,
)
from governance.roster_parsers import activity

PROJECT_START = datetime.date(2022, 1, 1)
# The authenticator secret of every demo persona who needs two-factor sign-in (core maintainers
# and staff): one entry in an authenticator app then serves them all. Demo data only.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"
DEMO_TOTP_KEY = hexlify(b32decode(DEMO_TOTP_SECRET)).decode()
TAXONOMY_DECIDED_ON = datetime.date(2023, 3, 24)
TAXONOMY_TITLE = "Module taxonomy for the PT2 compiler architecture"


@dataclass(frozen=True)
class DemoModule:
    slug: str
    name: str
    group: str
    includes: str
    paths: tuple[str, ...]
    description: str = ""


MODULES = (
    DemoModule("nn-apis", "NN APIs (torch.nn)", ModuleGroup.CORE, "", ("torch/nn/**", "test/test_nn.py")),
    DemoModule("optimizers", "Optimizers (torch.optim)", ModuleGroup.CORE, "", ("torch/optim/**", "test/optim/**")),
    DemoModule("autograd", "Autograd Engine", ModuleGroup.CORE, "", ("torch/autograd/**", "torch/csrc/autograd/**")),
    DemoModule("linear-algebra", "Linear Algebra (torch.linalg)", ModuleGroup.CORE, "", ("torch/linalg/**", "test/test_linalg.py")),
    DemoModule("sparse", "Sparse (torch.sparse)", ModuleGroup.CORE, "", ("torch/sparse/**",)),
    DemoModule("distributions", "Distributions and RNG", ModuleGroup.CORE, "", ("torch/distributions/**",)),
    DemoModule("distributed", "Distributed", ModuleGroup.CORE, "FSDP, DTensor, c10d", ("torch/distributed/**", "test/distributed/**")),
    DemoModule("data-loader", "Data Loader (torch.utils.data)", ModuleGroup.CORE, "", ("torch/utils/data/**",)),
    DemoModule("compilers", "Compilers", ModuleGroup.CORE, "JIT, TorchScript, FX", ("torch/jit/**", "torch/fx/**", "torch/_dynamo/**")),
    DemoModule("cpu-performance", "CPU Performance", ModuleGroup.CORE, "", ("aten/src/ATen/native/cpu/**",)),
    DemoModule("intel-mkldnn", "Intel/MKLDNN", ModuleGroup.CORE, "", ("aten/src/ATen/native/mkldnn/**", "third_party/ideep")),
    DemoModule("cuda", "CUDA", ModuleGroup.CORE, "", ("aten/src/ATen/cuda/**", "aten/src/ATen/native/cuda/**")),
    DemoModule("quantization", "Quantization", ModuleGroup.CORE, "", ("torch/ao/**",)),
    DemoModule("onnx", "ONNX exporter", ModuleGroup.CORE, "", ("torch/onnx/**",)),
    DemoModule("build-ci", "Build + CI", ModuleGroup.CORE, "", (".github/**", ".ci/**", "CMakeLists.txt")),
    DemoModule("torchvision", "TorchVision", ModuleGroup.EXTERNAL, "", ()),
    DemoModule("torchaudio", "TorchAudio", ModuleGroup.EXTERNAL, "", ()),
    DemoModule("torchtext", "TorchText", ModuleGroup.EXTERNAL, "", ()),
    DemoModule("caffe2", "Caffe2", ModuleGroup.SUNSETTED, "", ("caffe2/**",), "The original Caffe2 runtime, merged into PyTorch and since retired."),
)  # fmt: skip


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    github: str
    affiliation: str


PERSONAS = (
    DemoPerson("lead", "Morgan Adeyemi", "madeyemi", "Meta"),
    DemoPerson("core1", "Priya Raman", "praman", "Meta"),
    DemoPerson("core2", "Jonas Keller", "jkeller", "NVIDIA"),
    DemoPerson("core3", "Amelia Novak", "anovak", "Microsoft"),
    DemoPerson("core4", "Tomás Ortega", "tortega", "AMD"),
    DemoPerson("maintainer", "Hana Sato", "hsato", "Intel"),
    DemoPerson("nominator", "Lucas Moreau", "lmoreau", "Google"),
    DemoPerson("nominee", "Ife Okonkwo", "iokonkwo", "Independent"),
)

# Maintainers without a sign-in account. (full name, handle, employer)
PEOPLE = (
    ("Chen Wei", "chenwei-dev", "Meta"),
    ("Sofia Lindqvist", "slindqvist", "Meta"),
    ("Rafael Duarte", "rduarte", "NVIDIA"),
    ("Grace Mensah", "gmensah", "Microsoft"),
    ("Oskar Nowak", "onowak", "Intel"),
    ("Aisha Bello", "abello", "Meta"),
    ("Daniel Park", "dpark", "Quansight"),
    ("Mira Kovacs", "mkovacs", "AMD"),
    ("Yusuf Demir", "ydemir", "Meta"),
    ("Elena Rossi", "erossi", "Independent"),
    ("Kwame Asante", "kasante", "Google"),
    ("Lina Haddad", "lhaddad", "Meta"),
)

CORE_USERNAMES = ("core1", "core2", "core3", "core4")
MODULE_MAINTAINERS = {
    "nn-apis": ("hsato", "chenwei-dev", "slindqvist"),
    "optimizers": ("abello", "dpark"),
    "autograd": ("praman", "slindqvist"),
    "linear-algebra": ("lmoreau", "erossi"),
    "sparse": ("erossi",),
    "distributions": ("kasante", "dpark"),
    "distributed": ("jkeller", "rduarte", "ydemir"),
    "data-loader": ("lhaddad", "abello"),
    "compilers": ("chenwei-dev", "ydemir", "anovak"),
    "cpu-performance": ("mkovacs", "onowak"),
    "intel-mkldnn": ("onowak", "hsato"),
    "cuda": ("rduarte", "jkeller"),
    "quantization": ("gmensah",),
    "onnx": ("gmensah", "anovak"),
    "build-ci": ("tortega", "kasante"),
    "torchvision": ("dpark", "lhaddad"),
    "torchaudio": ("mkovacs",),
    "torchtext": ("kasante",),
    "caffe2": ("tortega",),
}
MODULE_REVIEWERS = {"cpu-performance": ("iokonkwo",), "nn-apis": ("kasante",)}
EMERITUS = {
    ("nn-apis", "gmensah"): "Inactive in the module for over a year.",
    ("cuda", "onowak"): "Inactive in the module for over a year.",
    ("torchtext", "erossi"): "Stepped back to focus on Sparse.",
}


RESPONSIBILITIES = (
    "Module maintainers guide the direction of their module, review its changes and keep its "
    "quality bar. Core maintainers look after the project as a whole, and the lead core "
    "maintainer breaks ties. Maintainers who step back are listed as emeritus."
)
CATCH_ALL_RULES = (
    ("Core Maintainers", "*", "", True, "EasyCLA\nLint"),
    ("superuser", "*", "pytorch/metamates", False, "EasyCLA\nLint\npull"),
)
# Days since each person's last activity, as `import_activity` would record it.
DAYS_SINCE_ACTIVE = {
    "gmensah": 500,
    "mkovacs": 420,
    "kasante": 30,
    "erossi": 400,
    "tortega": 20,
    "dpark": 60,
    "abello": 10,
    "lhaddad": 90,
    "rduarte": 5,
    "ydemir": 15,
}


class DemoLoader:
    def __init__(self, *, password: str, log=print) -> None:
        self.password = password
        self.log = log
        self.people: dict[str, Person] = {}
        self.users: dict[str, AbstractBaseUser] = {}

    def load(self) -> None:
        self.load_accounts()
        self.load_people()
        self.load_modules()
        self.load_roles()
        self.load_taxonomy_revision()
        self.load_repository_files()
        self.load_activity()
        self.load_authenticators()

    def load_accounts(self) -> None:
        User = get_user_model()
        usernames = [persona.username for persona in PERSONAS] + ["outsider", "staff"]
        for username in usernames:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.set_password(self.password)
            if username == "staff":
                user.is_staff = user.is_superuser = True
            user.save()
            self.users[username] = user
            if created:
                self.log(f"Created the sign-in persona {username}.")

    def load_authenticators(self) -> None:
        for username, user in self.users.items():
            permissions.forget_cached_access(user)
            if permissions.requires_two_factor(user) and not selectors.authenticator_of(user):
                enroll_authenticator(user, DEMO_TOTP_KEY)
                self.log(f"Set up two-factor sign-in for {username} with the demo secret.")
            permissions.forget_cached_access(user)

    def person(self, *, full_name: str, github: str, affiliation: str, user=None) -> Person:
        person = Person.objects.filter(github__iexact=github).first()
        if person is None:
            person = services.person_create(
                actor=None,
                full_name=full_name,
                github=github,
                email=user.email if user else f"{github}@example.org",
                affiliation=affiliation,
                user=user,
            )
        self.people[github] = person
        return person

    def load_people(self) -> None:
        for persona in PERSONAS:
            self.person(
                full_name=persona.full_name,
                github=persona.github,
                affiliation=persona.affiliation,
                user=self.users[persona.username],
            )
        for full_name, github, affiliation in PEOPLE:
            self.person(full_name=full_name, github=github, affiliation=affiliation)

    def load_modules(self) -> None:
        for spec in MODULES:
            if Module.objects.filter(slug=spec.slug).exists() or self.renamed(spec.slug):
                continue
            services.module_create(
                actor=None,
                name=spec.name,
                slug=spec.slug,
                group=spec.group,
                includes=spec.includes,
                description=spec.description,
                path_patterns="\n".join(spec.paths),
            )

    @staticmethod
    def renamed(slug: str) -> bool:
        return TaxonomyRevision.objects.filter(changes__previous_slug=slug).exists()

    def grant(self, github: str, kind: str, module_slug: str | None = None) -> None:
        person = self.people[github]
        module = Module.objects.get(slug=module_slug) if module_slug else None
        if module is not None and module.status != ModuleStatus.ACTIVE:
            return
        if Role.objects.filter(person=person, kind=kind, module=module).exists():
            return
        services.role_grant(
            actor=None, person=person, kind=kind, module=module, started_on=PROJECT_START
        )

    def load_roles(self) -> None:
        if TaxonomyRevision.objects.filter(title=TAXONOMY_TITLE).exists():
            return
        personas = {persona.username: persona.github for persona in PERSONAS}
        self.grant(personas["lead"], RoleKind.LEAD_CORE_MAINTAINER)
        for username in CORE_USERNAMES:
            self.grant(personas[username], RoleKind.CORE_MAINTAINER)
        for slug, handles in MODULE_MAINTAINERS.items():
            for github in handles:
                self.grant(github, RoleKind.MODULE_MAINTAINER, slug)
        for slug, handles in MODULE_REVIEWERS.items():
            for github in handles:
                self.grant(github, RoleKind.MODULE_REVIEWER, slug)
        for (slug, github), reason in EMERITUS.items():
            self.grant(github, RoleKind.MODULE_MAINTAINER, slug)
            role = Role.objects.get(
                person=self.people[github], module__slug=slug, kind=RoleKind.MODULE_MAINTAINER
            )
            if role.status == RoleStatus.ACTIVE:
                services.role_make_emeritus(
                    actor=None, role=role, reason=reason, ended_on=TAXONOMY_DECIDED_ON
                )

    def load_taxonomy_revision(self) -> None:
        if TaxonomyRevision.objects.filter(title=TAXONOMY_TITLE).exists():
            return
        modules = {module.slug: module for module in Module.objects.all()}
        services.taxonomy_revise(
            actor=None,
            title=TAXONOMY_TITLE,
            reason=(
                "The areas around the compiler and the hardware back-ends no longer matched how "
                "the work is organised since the PT2 compiler stack arrived."
            ),
            decided_on=TAXONOMY_DECIDED_ON,
            steps=[
                services.ModuleRename(
                    module=modules["compilers"],
                    name="Compiler Front End",
                    slug="compiler-front-end",
                    includes="Dynamo, FX",
                ),
                services.ModuleMerge(sources=[modules["intel-mkldnn"]], into="cpu-performance"),
                services.ModuleRename(
                    module=modules["cpu-performance"],
                    name="CPU Performance",
                    includes="inductor, MKLDNN, LLVM",
                ),
                services.ModuleAdd(
                    name="GPU Performance",
                    slug="gpu-performance",
                    includes="inductor, OpenAI Triton",
                    path_patterns="torch/_inductor/codegen/triton*.py",
                ),
            ],
        )
        gpu = Module.objects.get(slug="gpu-performance")
        for github in ("rduarte", "ydemir"):
            services.role_grant(
                actor=None,
                person=self.people[github],
                kind=RoleKind.MODULE_MAINTAINER,
                module=gpu,
                started_on=TAXONOMY_DECIDED_ON,
            )
        self.log(f"Applied the taxonomy revision: {TAXONOMY_TITLE}.")

    def load_repository_files(self) -> None:
        if not ExportSettings.objects.exists():
            services.export_settings_update(actor=None, data={"responsibilities": RESPONSIBILITIES})
        for position, (name, patterns, approved_by, core, checks) in enumerate(CATCH_ALL_RULES):
            if not MergeRule.objects.filter(name=name).exists():
                services.merge_rule_create(
                    actor=None,
                    name=name,
                    position=position,
                    patterns=patterns,
                    approved_by=approved_by,
                    include_core_maintainers=core,
                    mandatory_checks=checks,
                )

    def load_activity(self) -> None:
        if PersonActivity.objects.exists():
            return
        today = timezone.localdate()
        records = [
            activity.ActivityRecord(
                line=number,
                github=github,
                last_active_on=today - datetime.timedelta(days=days),
                reviews=max(0, 120 - days // 4),
                commits=max(0, 60 - days // 8),
                triaged_issues=max(0, 40 - days // 10),
            )
            for number, (github, days) in enumerate(DAYS_SINCE_ACTIVE.items(), start=1)
        ]
        services.activity_import(actor=None, records=records)


def enroll_authenticator(user: AbstractBaseUser, key: str) -> TOTPDevice:
    """Enroll an authenticator with secret `key` (hex) for `user`, as the system, through the
    same service a person uses. It confirms with the previous step's code, so that the code
    showing now still signs in (a confirming code is spent)."""
    try:
        return enroll_with_previous_code(user, key)
    except ValidationError:
        # A time step ticked over between reading the code and checking it: read it again.
        return enroll_with_previous_code(user, key)


def enroll_with_previous_code(user: AbstractBaseUser, key: str) -> TOTPDevice:
    code = totp(unhexlify(key), drift=-1)
    device, _ = services.two_factor_enroll(actor=None, user=user, key=key, code=f"{code:06d}")
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"
