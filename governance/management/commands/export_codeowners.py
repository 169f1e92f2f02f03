from governance import roster_files
from governance.management.roster_file_command import ExportCommand


class Command(ExportCommand):
    help = "Write CODEOWNERS from the modules' paths and their maintainers and reviewers."
    file_name = "CODEOWNERS"

    def render(self, roster: roster_files.Roster, options: dict) -> str:
        return roster_files.codeowners(roster)
