"""Facts of a dispute found in a draft, by kind (see ``mailcoach.dispute`` for the whole set)."""
