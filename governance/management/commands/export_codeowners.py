from governance import exports
from governance.management.exporting import ExportCommand


class Command(ExportCommand):
    help = "Write CODEOWNERS from the modules' paths and their maintainers and reviewers."
    file_name = "CODEOWNERS"

    def render(self, roster: exports.Roster, options: dict) -> str:
        return exports.codeowners(roster)
