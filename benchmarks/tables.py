"""Print a small table with ``rich`` when it is installed, as plain aligned text otherwise."""

from __future__ import annotations

WIDTH = 132  # columns of a rich table when the output is not a terminal


def print_table(title: str, headers: list[str], rows: list[list[str]], note: str = "") -> None:
    """Print ``rows`` under ``headers``, with ``title`` (and a ``note`` line) above them."""
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        _print_plain(title, headers, rows, note)
        return
    table = Table()
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console = Console()
    if not console.is_terminal:  # piped or captured: do not wrap at 80 columns
        console = Console(width=WIDTH)
    console.print()
    console.print(title, style="bold", highlight=False)
    if note:
        console.print(note, style="dim", highlight=False)
    console.print(table)


def print_goal(what: str, ratio: float, limit: float) -> dict:
    """Print one "at most ``limit``" goal as a table and return it for the JSON figures."""
    result = {"value": ratio, "goal": f"<= {limit:g}", "pass": bool(ratio <= limit)}
    print_table(
        "ccsim goal",
        ["goal", "measured", "target", "result"],
        [[what, f"{ratio:.2f}", result["goal"], "PASS" if result["pass"] else "FAIL"]],
    )
    return result


def _print_plain(title: str, headers: list[str], rows: list[list[str]], note: str) -> None:
    """The fallback: fixed-width columns, first one left-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(f"\n{title}")
    if note:
        print(note)
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
