"""What the commands print at each loudness: -q, plain, -v, and plain on a terminal."""
from __future__ import annotations

import io

import pytest

from sitegen.say import Say


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _speak(talk: Say) -> None:
    talk.always("address")
    talk.info("result")
    talk.step("reading")
    talk.step("writing")
    talk.done()
    talk.problem("broken")


@pytest.mark.parametrize(("quiet", "verbose", "out"), [(True, False, "address\n"), (False, False, "address\nresult\n"),
                                                       (False, True, "address\nresult\nreading\nwriting\n")])
def test_loudness(quiet: bool, verbose: bool, out: str, capsys: pytest.CaptureFixture[str]) -> None:
    _speak(Say.for_terminal(quiet=quiet, verbose=verbose))  # stderr is no terminal here: no transient line
    assert capsys.readouterr() == (out, "broken\n")


def test_steps_on_a_terminal_overwrite_one_line_and_are_cleared(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    talk = Say.for_terminal(quiet=False, verbose=False)
    assert talk.transient
    _speak(talk)
    assert capsys.readouterr().out == "address\nresult\n"
    assert terminal.getvalue() == "\r\033[K... reading\r\033[K... writing\r\033[Kbroken\n"
    assert not Say.for_terminal(quiet=True, verbose=False).transient
    assert not Say.for_terminal(quiet=False, verbose=True).transient
