"""One router per resource: annotate, knowledge, twin jobs (``/api/v1``), and the browser UI."""
