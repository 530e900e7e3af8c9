"""A stop that a C library's callback swallows still ends the command as a stop (exit 128 + signal)."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path

import pytest

from htq_mark.cli import _generate, main
from htq_mark.cli._stop import Stopped, stop_signals
from htq_mark.errors import KitError


class _Callback:
    """Raises the stop where Python can only report it as ignored, as cairo's write callback does."""

    def __init__(self, signal_number: int) -> None:
        self.signal_number = signal_number

    def __del__(self) -> None:
        raise Stopped(self.signal_number)


@pytest.mark.parametrize(("number", "status", "word"), [(signal.SIGTERM, 143, "terminated"),
                                                        (signal.SIGINT, 130, "interrupted")])
def test_a_stop_swallowed_by_a_callback_is_not_reported_as_the_error_it_causes(
        number: int, status: int, word: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Before, a SIGTERM during pack now and then exited 2 with a traceback and a wrong message (a full disk)."""

    def drawing_cut_short(**_: object) -> None:
        _Callback(number)  # gone at once: its stop is "ignored", and the write it was doing fails
        gc.collect()
        raise KitError("the artwork could not be rendered, cairo's temporary file cut short: free some space")

    monkeypatch.setattr(_generate, "generate_asset", drawing_cut_short)
    with pytest.raises(SystemExit) as ended:
        main(["generate", "--variant", "colour", "--width", "300px", "-o", str(tmp_path / "mark.png")])
    assert ended.value.code == status
    err = capsys.readouterr().err
    assert word in err and "cut short" not in err and "Exception ignored" not in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_other_unraisable_errors_go_to_the_hook_there_was(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def __del__(self) -> None:
            raise RuntimeError("boom")

    seen: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: seen.append(info.exc_value))
    with stop_signals():
        Broken()
        gc.collect()
        _Callback(signal.SIGTERM)
        gc.collect()
    assert [str(exc) for exc in seen] == ["boom"]  # the stop is kept back, the rest passed on


def test_signal_handling_is_as_it_was_afterwards() -> None:
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), sys.unraisablehook)
    with stop_signals():
        assert signal.getsignal(signal.SIGTERM) is not before[1]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM), sys.unraisablehook) == before


def test_a_swallowed_stop_is_forgotten_once_the_command_ends() -> None:
    """Before, a later command in the same process took its own error for that stop."""
    from htq_mark.cli._stop import raise_if_stopped

    with stop_signals():
        _Callback(signal.SIGTERM)
        gc.collect()
        with pytest.raises(Stopped):
            raise_if_stopped()
    raise_if_stopped()  # nothing kept
