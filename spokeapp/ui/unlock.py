"""The unlock window: passphrase, a growing wait after repeated wrong guesses, and recovery.

Key derivation runs on a worker thread so the window stays responsive. After three wrong
passphrases each further attempt waits longer (2 s, 4 s, 8 s ... at most a minute), which slows
down someone guessing at a stolen laptop without locking out the worker for long.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spokeapp.crypto.keyfile import WrongPassphrase
from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import number, translator
from spokeapp.present.passphrase import passphrase_problem
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import (
    Message,
    PassphraseEdit,
    StrengthMeter,
    fit_pages,
    lay_out_page,
    paragraph,
    show_typing_box,
)

#: ``open(passphrase) -> casebook``; runs off the GUI thread.
Opener = Callable[[str], Any]
#: ``recover(recovery_key, new_passphrase) -> casebook``; runs off the GUI thread.
Recoverer = Callable[[str, str], Any]

tr = translator(__name__)

UNLOCK_TEXT: Final = tr.noop("&Unlock")


RECOVER_TEXT: Final = tr.noop("&Unlock and set new passphrase")


def _try_again(seconds: int) -> str:
    """The unlock buttons' words while a wrong guess's wait runs."""
    return tr("Try again in {seconds} s").format(seconds=seconds)


class Backoff:
    """Counts wrong attempts and says how long to wait before the next one.

    The first ``FREE_ATTEMPTS`` mistakes cost nothing (everyone mistypes); then the wait doubles
    from 2 seconds up to ``MAX_DELAY``. ``clock`` is injectable so tests need not sleep.
    """

    FREE_ATTEMPTS: Final = 3
    MAX_DELAY: Final = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.failures = 0
        self._until = 0.0

    @classmethod
    def delay_after(cls, failures: int) -> float:
        if failures < cls.FREE_ATTEMPTS:
            return 0.0
        return min(cls.MAX_DELAY, 2.0 ** (failures - cls.FREE_ATTEMPTS + 1))

    def record_failure(self) -> float:
        """Note a wrong attempt; return the wait (seconds) before the next one is allowed."""
        self.failures += 1
        delay = self.delay_after(self.failures)
        self._until = self._clock() + delay
        return delay

    def remaining(self) -> float:
        return max(0.0, self._until - self._clock())

    def reset(self) -> None:
        self.failures = 0
        self._until = 0.0


class UnlockWindow(QWidget):
    """Asks for the passphrase (or the recovery key). Emits ``unlocked(casebook)``."""

    unlocked = Signal(object)

    def __init__(
        self,
        open_book: Opener,
        recover_book: Recoverer,
        tasks: TaskRunner,
        *,
        clock: Callable[[], float] = time.monotonic,
        notice: str = "",
        demo_passphrase: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._open = open_book
        self._recover = recover_book
        self._tasks = tasks
        self.backoff = Backoff(clock)
        self._busy = False
        self.setWindowTitle(tr("Spoke - locked"))
        self.setMinimumWidth(520)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._unlock_page(notice, demo_passphrase))
        self.pages.addWidget(self._recovery_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addWidget(self.pages)
        self.countdown = QTimer(self)
        self.countdown.setInterval(250)
        self.countdown.timeout.connect(self.refresh_wait)
        fit_pages(self.pages)
        self.passphrase.setFocus()

    # ------------------------------------------------------------------ unlock page
    def _unlock_page(self, notice: str, demo_passphrase: str | None) -> QWidget:
        page = QWidget(self)
        self.notice = paragraph(notice, page)
        self.notice.setAccessibleName(tr("Why Spoke is locked"))
        self.notice.setVisible(bool(notice))
        self.passphrase = PassphraseEdit(tr("Passphrase"), page)
        label = QLabel(tr("&Passphrase:"), page)
        label.setBuddy(self.passphrase)
        self.message = Message(page, name=tr("Unlock problem"))
        self.unlock_button = QPushButton(tr(UNLOCK_TEXT), page)
        self.unlock_button.setAccessibleName(tr("Unlock"))
        self.unlock_button.setDefault(True)
        wide = self.unlock_button.fontMetrics().horizontalAdvance(_try_again(60)) + 32
        self.unlock_button.setMinimumWidth(wide)
        self.forgot_button = QPushButton(tr("&Forgotten your passphrase?"), page)
        self.forgot_button.setAccessibleName(
            tr("Forgotten your passphrase? Use your recovery key"))
        self.forgot_button.setFlat(True)
        self.forgot_button.setCursor(Qt.CursorShape.PointingHandCursor)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(label, self.passphrase)
        self.show_typing = show_typing_box(page, self.passphrase)
        form.addRow("", self.show_typing)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)

        parts: list[QWidget | QLayout] = [self.notice]
        if demo_passphrase:
            self.passphrase.setText(demo_passphrase)
            parts.append(
                paragraph(
                    tr("This is the demo casebook of made-up people. Its passphrase, "
                       "“{passphrase}”, is filled in for you: press Unlock.").format(
                        passphrase=demo_passphrase),
                    page,
                )
            )
        lay_out_page(page, tr("Unlock your casebook"), [*parts, form, self.message], buttons)

        self.passphrase.returnPressed.connect(self.unlock_button.click)
        self.unlock_button.clicked.connect(self._unlock_clicked)
        self.forgot_button.clicked.connect(self.show_recovery)
        QWidget.setTabOrder(self.passphrase, self.show_typing)
        QWidget.setTabOrder(self.show_typing, self.unlock_button)
        QWidget.setTabOrder(self.unlock_button, self.forgot_button)
        return page

    def _unlock_clicked(self) -> None:
        if self._busy or self.backoff.remaining() > 0:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.show_error(tr("Type your passphrase, then press Unlock."))
            return
        self._start(tr("Unlocking…"))
        self._tasks.submit(lambda: self._open(passphrase), self._opened, self._failed, owner=self)

    # ------------------------------------------------------------------ recovery page
    def _recovery_page(self) -> QWidget:
        page = QWidget(self)
        explain = paragraph(
            tr("Type the recovery key you wrote down when you set up Spoke: eight groups of "
               "four letters and numbers. Then choose a new passphrase. Your old passphrase "
               "will stop working; your recovery key stays the same."),
            page,
        )
        self.recovery_key = QLineEdit(page)
        self.recovery_key.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.recovery_key.setPlaceholderText(tr("ABCD-EFGH-…"))
        self.recovery_key.setAccessibleName(tr("Recovery key"))
        self.new_passphrase = PassphraseEdit(tr("New passphrase"), page)
        self.new_meter = StrengthMeter(page)
        self.new_confirm = PassphraseEdit(tr("Type the new passphrase again"), page)
        self.recovery_message = Message(page, name=tr("Recovery problem"))
        self.back_button = QPushButton(tr("&Back"), page)
        self.back_button.setAccessibleName(tr("Back to the passphrase"))
        self.recover_button = QPushButton(tr(RECOVER_TEXT), page)
        self.recover_button.setAccessibleName(
            tr("Unlock with the recovery key and set new passphrase"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (
            (tr("&Recovery key:"), self.recovery_key),
            (tr("&New passphrase:"), self.new_passphrase),
            (None, self.new_meter),
            (tr("&Type it again:"), self.new_confirm),
            (None, None),
        ):
            if field is None:
                self.show_new_typing = show_typing_box(page, self.new_passphrase, self.new_confirm)
                form.addRow("", self.show_new_typing)
                continue
            if text is None:
                form.addRow("", field)
                continue
            label = QLabel(text, page)
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.recover_button)

        lay_out_page(
            page, tr("Use your recovery key"), [explain, form, self.recovery_message], buttons
        )

        self.new_passphrase.textChanged.connect(self.new_meter.update_for)
        self.new_confirm.returnPressed.connect(self.recover_button.click)
        self.back_button.clicked.connect(self.show_unlock)
        self.recover_button.clicked.connect(self._recover_clicked)
        QWidget.setTabOrder(self.recovery_key, self.new_passphrase)
        QWidget.setTabOrder(self.new_passphrase, self.new_confirm)
        QWidget.setTabOrder(self.new_confirm, self.show_new_typing)
        QWidget.setTabOrder(self.show_new_typing, self.recover_button)
        QWidget.setTabOrder(self.recover_button, self.back_button)
        return page

    def show_recovery(self) -> None:
        self.pages.setCurrentIndex(1)
        fit_pages(self.pages)
        self.recovery_key.setFocus()

    def show_unlock(self) -> None:
        self.pages.setCurrentIndex(0)
        fit_pages(self.pages)
        self.passphrase.setFocus()

    def _recover_clicked(self) -> None:
        if self._busy or self.backoff.remaining() > 0:
            return
        key = self.recovery_key.text().strip()
        new = self.new_passphrase.text()
        if not key:
            self.recovery_message.show_error(tr("Type your recovery key first."))
            self.recovery_key.setFocus()
            return
        problem = passphrase_problem(new, self.new_confirm.text())
        if problem:
            self.recovery_message.show_error(problem)
            self.new_passphrase.setFocus()
            return
        self._start(tr("Unlocking with your recovery key…"))
        self._tasks.submit(lambda: self._recover(key, new), self._opened, self._failed, owner=self)

    # ------------------------------------------------------------------ results
    @property
    def _current_message(self) -> Message:
        return self.recovery_message if self.pages.currentIndex() == 1 else self.message

    def _start(self, text: str) -> None:
        self._busy = True
        self._current_message.show_info(text)
        self._set_inputs_enabled(False)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (
            self.passphrase,
            self.unlock_button,
            self.forgot_button,
            self.recovery_key,
            self.new_passphrase,
            self.new_confirm,
            self.recover_button,
            self.back_button,
        ):
            widget.setEnabled(enabled)

    def _opened(self, book: Any) -> None:
        self._busy = False
        self.backoff.reset()
        for field in (self.passphrase, self.recovery_key, self.new_passphrase, self.new_confirm):
            field.clear()
        emit(self.unlocked, book)

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self._set_inputs_enabled(True)
        if not isinstance(error, SpokeError):
            raise error
        text = str(error)
        if isinstance(error, WrongPassphrase):
            delay = self.backoff.record_failure()
            if self.pages.currentIndex() == 0:
                self.passphrase.clear()
                text = tr("{problem} Check that Caps Lock is off, then try again.").format(
                    problem=text)
            if delay:
                text = tr("{problem} To keep your casebook safe, Spoke waits {seconds} seconds "
                          "before the next try.").format(problem=text,
                                                         seconds=number(round(delay)))
        self._current_message.show_error(text)
        (self.passphrase if self.pages.currentIndex() == 0 else self.recovery_key).setFocus()
        self.refresh_wait()

    def refresh_wait(self) -> None:
        """Show the wait after repeated wrong attempts as a countdown on the buttons."""
        remaining = self.backoff.remaining()
        waiting = remaining > 0
        self.unlock_button.setEnabled(not waiting and not self._busy)
        self.recover_button.setEnabled(not waiting and not self._busy)
        if waiting:
            seconds = math.ceil(remaining)
            self.unlock_button.setText(_try_again(seconds))
            self.recover_button.setText(_try_again(seconds))
            if not self.countdown.isActive():
                self.countdown.start()
        else:
            self.unlock_button.setText(tr(UNLOCK_TEXT))
            self.recover_button.setText(tr(RECOVER_TEXT))
            self.countdown.stop()
