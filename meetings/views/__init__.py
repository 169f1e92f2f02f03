"""Meeting pages: `public` reads published versions only; `workspace` is the private side."""
