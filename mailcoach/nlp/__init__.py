"""The spaCy side of mailcoach: components and the cached pipeline.

This package's ``__init__`` stays free of spaCy imports, so that importing
mailcoach (and running ``mailcoach --help``) does not pay for loading spaCy.
"""

#: Where the components put their findings: label = category, ``id_`` = rule id.
SPANS_KEY = "mailcoach"
#: Every match that survived its guards, before overlaps were resolved (for rule tests).
CANDIDATES_KEY = "mailcoach_candidates"
#: Sentences the in-context model flags only in a draft that has a warning elsewhere
#: (``params.context.in_warned_draft`` of a model rule), after their guards.
RESERVE_KEY = "mailcoach_reserve"
