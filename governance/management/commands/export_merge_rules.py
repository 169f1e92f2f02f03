from governance import roster_files
from governance.management.roster_file_command import ExportCommand


class Command(ExportCommand):
    help = "Write .github/merge_rules.yaml from the roster and the configured catch-all rules."
    file_name = "merge_rules.yaml"

    def render(self, roster: roster_files.Roster, options: dict) -> str:
        return roster_files.merge_rules_yaml(roster)
