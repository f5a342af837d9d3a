"""``python -m sanctionsim``: the same as the ``sanctionsim`` command."""

from sanctionsim.cli import main

main()
