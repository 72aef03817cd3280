"""Allow ``python -m ccsim``."""

from ccsim.cli import main

if __name__ == "__main__":
    main()
