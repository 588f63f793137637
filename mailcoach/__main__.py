"""Run the command line: ``python -m mailcoach``."""

from mailcoach.cli import main

main()
