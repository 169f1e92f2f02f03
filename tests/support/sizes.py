"""The sizes at which query-count tests measure a page: one row, and just more rows than any page
shows at first, so that a count which grew with the data would show at the larger size.

The larger size exceeds the first page of every list: the dashboard's sections
(`DASHBOARD_ROWS`), the API's default page (`DEFAULT_PAGE_SIZE`) and the meeting export
(`EXPORT_LIMIT`). It stays under the longer limits of 50 (`LIST_LIMIT`, `SEARCH_LIMIT`,
`FEED_LIMIT`, `INBOX_PAGE_SIZE`, `SECTION_PAGE_ROWS`): a test whose point is such a limit lowers
it below `LARGE` with monkeypatch rather than build 51 rows, which would cost it two and a half
times as long for no more queries.
"""

from api.pagination import DEFAULT_PAGE_SIZE
from meetings.views.public import EXPORT_LIMIT
from nominations.dashboard_selectors import DASHBOARD_ROWS

LARGE = max(DASHBOARD_ROWS, DEFAULT_PAGE_SIZE, EXPORT_LIMIT) + 1
SIZES = [1, LARGE]
