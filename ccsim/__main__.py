"""Allow ``python -m ccsim``."""

from ccsim.cli.commands import main

if __name__ == "__main__":
    main()
