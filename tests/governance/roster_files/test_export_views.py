"""The public exports page and its downloads."""

import io
import zipfile

import pytest

from governance import roster_files, selectors
from tests.conftest import ALL_VIEWERS

pytestmark = pytest.mark.django_db

FILES = {
    "/exports/persons_of_interest.md": ("text/markdown; charset=utf-8", roster_files.persons_of_interest_markdown),
    "/exports/persons_of_interest.rst": ("text/x-rst; charset=utf-8", roster_files.persons_of_interest_rst),
    "/exports/merge_rules.yaml": ("application/yaml; charset=utf-8", roster_files.merge_rules_yaml),
    "/exports/CODEOWNERS": ("text/plain; charset=utf-8", roster_files.codeowners),
}  # fmt: skip


@pytest.mark.parametrize("viewer", ALL_VIEWERS)
def test_it_lists_the_files_for_everyone(client_for, module, viewer):
    response = client_for(viewer).get("/exports/")

    assert response.status_code == 200
    content = response.content.decode()
    for url in [*FILES, "/exports/OWNERS.zip", "/exports/owners/nn-apis/OWNERS"]:
        assert f'href="{url}"' in content


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
@pytest.mark.parametrize("url", FILES)
def test_it_downloads_each_file_as_the_command_writes_it(client_for, small_roster, viewer, url):
    content_type, render = FILES[url]

    response = client_for(viewer).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{url.rsplit("/", 1)[1]}"'
    assert response.content.decode() == render(selectors.roster_for_export())


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_it_downloads_owners_one_module_at_a_time_and_all_at_once(client_for, small_roster, viewer):
    client = client_for(viewer)

    one = client.get("/exports/owners/nn-apis/OWNERS")
    archive = client.get("/exports/OWNERS.zip")

    assert one.content.decode().splitlines()[1:] == [
        "approvers:",
        "- DeePerson",
        "reviewers: []",
        "emeritus_approvers:",
        "- fayr",
    ]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "nn-apis/OWNERS" in names
    assert archive.content == client.get("/exports/OWNERS.zip").content


@pytest.mark.parametrize("url", ["/exports/passwords.txt", "/exports/owners/nowhere/OWNERS"])
def test_it_answers_404_for_an_unknown_export(client, small_roster, url):
    assert client.get(url).status_code == 404
