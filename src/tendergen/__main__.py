"""`python -m tendergen`."""

from tendergen.cli import main

main()
