"""What every CLI test checks of a user mistake: exit status 2, a message, no traceback."""

from __future__ import annotations


def assert_user_error(result, *words: str, one_line: bool = False) -> None:
    """``result`` (a click ``Result``) is a user error naming every one of ``words``.

    Args:
        one_line: the message must also be a single ``ccsim: …`` line.
    """
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    message = result.output.strip()
    if one_line:
        assert message.startswith("ccsim: ") and message.count("\n") == 0, message
    for word in words:
        assert word in message, message
