"""Tools for developing mailcoach: training the sentence model and measuring detection.

Nothing in the ``mailcoach`` package imports from here; these need the ``train``
extra (scikit-learn) and the labelled corpus in ``tests/corpus``.
"""
