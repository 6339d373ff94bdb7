"""`python -m spotlight` runs the CLI."""
from spotlight.cli import main

main()
