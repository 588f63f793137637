"""Run the command line: ``python -m mailcoach``."""

from mailcoach.cli import main

if __name__ == "__main__":  # worker processes started by spawn import this module again
    main()
