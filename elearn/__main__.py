"""`python -m elearn` is the same as the `elearn` command."""

from elearn.cli import main

main()
