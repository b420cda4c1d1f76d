"""The pseudo-locale of ``test_translation`` on the screens its walks do not reach: the unlock
window (both pages, and after an automatic lock), a visit under way with an unsent alarm, the
question before closing with that alarm unsent, and the area box with a suggestion. Every word
shown must have gone through ``tr``. All data is fictional."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from spokeapp.domain.areas import Area
from spokeapp.domain.ids import new_id
from spokeapp.domain.records import Alarm, AlarmKind
from spokeapp.store.areas import save_areas
from spokeapp.ui.autolock import IDLE
from spokeapp.ui.main_window import close_question
from spokeapp.ui.views.area_choice import AreaDialog
from tests.helpers.lone_working import visit_plan

from .conftest import NOW, unlock
from .test_translation import DATA_WORDS, PseudoLocale, escapes, pseudo_locale  # noqa: F401

#: The fictional visit's place and the example area's words (data, not Spoke's words).
VISIT_WORDS = frozenset({"Demo", "Street", "Exampletown", "Buddy", "Example", "Shire", "EX"})


def _escapes(window: Any) -> list[str]:
    problems = []
    for problem in escapes(window):
        words = problem.rsplit("(", 1)[-1].rstrip(")").split()
        if set(words) - VISIT_WORDS - DATA_WORDS:
            problems.append(problem)
    return problems


def test_no_word_of_the_unlock_or_visit_screens_escapes_translation(
    qtbot: Any, make_shell: Any, seeded: str, pseudo_locale: PseudoLocale  # noqa: F811
) -> None:
    shell = make_shell()
    window = shell.window
    assert _escapes(window) == []
    window.show_recovery()
    assert _escapes(window) == []
    window.show_unlock()
    unlock(qtbot, shell)

    main = shell.main_window
    book = shell.book
    plan = visit_plan(book.author, NOW - timedelta(minutes=30))
    book.save(plan, finalise=True)
    book.save(Alarm(id=new_id(), visit_id=plan.id, raised_at=NOW, kind=AlarmKind.PANIC),
              finalise=True)
    main.visits.refresh()
    main.show_page(main.pages.indexOf(main.visits))
    assert main.visits.panel.alarm_label.text()
    assert _escapes(main) == []

    question = close_question(main, main.unsent_items())
    assert "999" in question.text()  # the unsent alarm is known whatever the language
    assert _escapes(question) == []
    question.close()

    save_areas(book, [Area("Example Shire", ("EX1",))])
    dialog = AreaDialog([Area("Example Shire", ("EX1",))], None, main)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.postcode_district, "EX1")
    assert dialog.area.confirm.isVisible()
    assert _escapes(dialog) == []

    shell.lock(IDLE)
    assert shell.window.notice.text()
    assert _escapes(shell.window) == []
