from governance import exports
from governance.management.exporting import ExportCommand


class Command(ExportCommand):
    help = "Write .github/merge_rules.yaml from the roster and the configured catch-all rules."
    file_name = "merge_rules.yaml"

    def render(self, roster: exports.Roster, options: dict) -> str:
        return exports.merge_rules_yaml(roster)
