"""The nominations app's pages, a module per stage: `intake` (the dashboard, requests, a new
nomination), `page` (the nomination page and how its actions run), `consent`, `evidence`,
`voting`, `outcome` and `steps` (confirmations, the announcement's wording, the feedback for its
readers), `proposals`, `verification`, and the `public` pages."""
