"""The main window opens at a sensible share of the screen, and where the worker left it
(issue 17, "Small window"): remembered per casebook, fitted to the screens there are now.
The placing rules are plain functions tested first; then through real windows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt

from spokeapp.store.casebook import Casebook
from spokeapp.ui.shell import (
    WINDOW_SETTING,
    Placement,
    Rect,
    SpokeShell,
    place_window,
)
from tests.ui.conftest import PASSPHRASE, unlock

MINIMUM = (960, 540)
LAPTOP = Rect(0, 0, 1600, 1000)
SMALL = Rect(0, 0, 1366, 728)  # a 1366x768 laptop with a 40 px task bar
RIGHT = Rect(1600, 0, 1920, 1040)  # a second monitor to the right of LAPTOP


def test_a_first_start_takes_most_of_the_screen_centred() -> None:
    placed = place_window(None, [LAPTOP], LAPTOP, MINIMUM)
    assert placed == Placement(Rect(160, 100, 1280, 800))  # not 900x560 in a corner
    small = place_window(None, [SMALL], SMALL, MINIMUM)
    assert small.rect.width == 1093 and small.rect.height >= MINIMUM[1]
    assert small.rect.x + small.rect.width <= SMALL.width


def test_a_first_start_on_a_small_laptop_screen_opens_maximised() -> None:
    """At 80% of a 1366x768 screen (1091x594) the case page's timeline could not be read,
    and at 1024x600 only two of its columns were in view."""
    for screen in (SMALL, Rect(0, 0, 1024, 600), Rect(0, 0, 1920, 760)):
        placed = place_window(None, [screen], screen, MINIMUM)
        assert placed.maximised, screen
        assert screen.overlap(placed.rect) == placed.rect.width * placed.rect.height  # restored
    assert not place_window(None, [LAPTOP], LAPTOP, MINIMUM).maximised
    saved = Placement(Rect(10, 10, 1000, 600))  # the worker's own choice is kept
    assert not place_window(saved, [SMALL], SMALL, MINIMUM).maximised


def test_the_window_opens_maximised_on_a_small_screen(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell(screens=screens_of(SMALL))
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    qtbot.waitUntil(lambda: bool(main.windowState() & Qt.WindowState.WindowMaximized))


def test_a_tiny_screen_still_gets_the_minimum_size() -> None:
    tiny = Rect(0, 0, 1024, 600)
    placed = place_window(None, [tiny], tiny, MINIMUM)
    assert (placed.rect.width, placed.rect.height) == MINIMUM
    assert placed.rect.x >= 0 and placed.rect.y >= 0


def test_a_saved_place_is_kept_when_it_fits() -> None:
    saved = Placement(Rect(1700, 40, 1200, 900), maximised=True)
    assert place_window(saved, [LAPTOP, RIGHT], LAPTOP, MINIMUM) == saved


def test_an_unplugged_monitor_does_not_leave_the_window_off_screen() -> None:
    saved = Placement(Rect(1700, 40, 1200, 900))
    placed = place_window(saved, [LAPTOP], LAPTOP, MINIMUM)
    assert placed.rect == Rect(200, 50, 1200, 900)  # its size, centred on what is left
    shrunk = place_window(Placement(Rect(1700, 40, 1900, 1000)), [SMALL], SMALL, MINIMUM)
    assert shrunk.rect == Rect(0, 0, 1366, 728)


def test_the_title_bar_and_borders_stay_on_the_screen_too() -> None:
    frame = (1, 25, 1, 1)
    first = place_window(None, [SMALL], SMALL, MINIMUM, frame)
    assert first.rect.y - 25 >= 0 and first.rect.x - 1 >= 0
    assert first.rect.bottom + 1 <= SMALL.bottom and first.rect.right + 1 <= SMALL.right
    top = place_window(Placement(Rect(0, 0, 1000, 600)), [SMALL], SMALL, MINIMUM, frame)
    assert top.rect == Rect(1, 25, 1000, 600)


def test_a_window_half_off_the_edge_is_moved_back_and_shrunk_to_the_screen() -> None:
    placed = place_window(Placement(Rect(1000, 700, 1200, 900)), [LAPTOP], LAPTOP, MINIMUM)
    assert placed.rect == Rect(400, 100, 1200, 900)
    bigger = place_window(Placement(Rect(-50, -20, 3000, 2000)), [LAPTOP], LAPTOP, MINIMUM)
    assert bigger.rect == LAPTOP


def test_the_setting_is_four_numbers_and_a_flag_and_nonsense_is_ignored() -> None:
    placement = Placement(Rect(10, 20, 1100, 700), maximised=True)
    assert Placement.from_setting(placement.to_setting()) == placement
    for bad in (None, "", "not json", "{}", '{"x": "a", "y": 1, "width": 2, "height": 3}',
                "[1, 2]"):
        assert Placement.from_setting(bad) is None


def screens_of(*rects: Rect) -> Any:
    return lambda: (list(rects), rects[0])


def geometry_of(shell: SpokeShell) -> Rect:
    main = shell.main_window
    assert main is not None
    g = main.geometry()
    return Rect(g.x(), g.y(), g.width(), g.height())


def test_the_window_opens_large_and_comes_back_where_it_was_left(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell(screens=screens_of(LAPTOP))
    unlock(qtbot, shell)
    opened = geometry_of(shell)
    assert opened.width >= 1250 and opened.height >= 750  # about 80%, not 900x560
    assert abs(opened.x + opened.width // 2 - 800) <= 2  # centred
    assert opened.y >= 20  # room for the title bar above it
    main = shell.main_window
    assert main is not None
    main.setGeometry(QRect(60, 30, 1100, 760))  # the worker moves and resizes it
    shell.lock()
    unlock(qtbot, shell)
    assert geometry_of(shell) == Rect(60, 30, 1100, 760)


def test_the_window_remembers_being_maximised(
    qtbot: Any, make_shell: Any, seeded: str
) -> None:
    shell = make_shell(screens=screens_of(LAPTOP))
    unlock(qtbot, shell)
    main = shell.main_window
    assert main is not None
    main.showMaximized()
    qtbot.waitUntil(lambda: bool(main.windowState() & Qt.WindowState.WindowMaximized))
    shell.lock()
    unlock(qtbot, shell)
    again = shell.main_window
    assert again is not None
    assert again.windowState() & Qt.WindowState.WindowMaximized


def test_a_place_on_a_monitor_now_gone_is_brought_back_on_screen(
    qtbot: Any, make_shell: Any, seeded: str, profile: Any
) -> None:
    with Casebook.open(profile, PASSPHRASE) as book:  # left on the right-hand monitor
        book.set_setting(WINDOW_SETTING, Placement(Rect(1700, 40, 1200, 900)).to_setting())
    shell = make_shell(screens=screens_of(SMALL))  # now only the laptop's own screen
    unlock(qtbot, shell)
    placed = geometry_of(shell)
    assert placed.width == 1200 and placed.y >= 20  # its width kept; title bar on screen
    assert SMALL.overlap(placed) == placed.width * placed.height  # wholly on the screen
