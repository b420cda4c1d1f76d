"""First run: choose a passphrase, create the casebook, and write down the recovery key once.

The recovery key is the only way back in if the passphrase is forgotten (nobody at the hub can
unlock a laptop's casebook), so it is shown once, large and selectable, and the worker must tick
that they have written it down before going on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.present.passphrase import MIN_PASSPHRASE_LENGTH, passphrase_problem
from spokeapp.ui.signals import emit
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import (
    Message,
    PassphraseEdit,
    StrengthMeter,
    fit_pages,
    lay_out_page,
    paragraph,
    recovery_key_label,
    show_typing_box,
)

#: ``create(passphrase) -> (open casebook, recovery key text)``; runs off the GUI thread.
Creator = Callable[[str], tuple[Any, str]]

tr = translator(__name__)

ACKNOWLEDGE_TEXT = tr.noop("I have written this recovery key down and will keep it safe")


class FirstRunWindow(QWidget):
    """Sets up a new casebook. Emits ``finished(casebook)`` once the recovery key is noted."""

    finished = Signal(object)

    def __init__(self, create: Creator, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._create = create
        self._tasks = tasks
        self._book: Any = None
        self._recovery_key = ""
        self.setWindowTitle(tr("Spoke - set up your casebook"))
        self.setMinimumWidth(560)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._recovery_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addWidget(self.pages)
        fit_pages(self.pages)
        self.passphrase.setFocus()

    # ------------------------------------------------------------------ page 1: passphrase
    def _passphrase_page(self) -> QWidget:
        page = QWidget(self)
        intro = paragraph(
            tr("Spoke keeps your notes in an encrypted casebook on this laptop. Choose a "
               "passphrase to lock it. You will type it each time you open Spoke, so pick "
               "something you can remember: at least {least} characters. A few unrelated words "
               "work well.").format(least=MIN_PASSPHRASE_LENGTH),
            page,
        )
        self.passphrase = PassphraseEdit(tr("Passphrase"), page)
        self.confirm = PassphraseEdit(tr("Type the passphrase again"), page)
        self.meter = StrengthMeter(page)
        self.message = Message(page, name=tr("Problem with the passphrase"))
        self.create_button = QPushButton(tr("&Create my casebook"), page)
        self.create_button.setAccessibleName(tr("Create my casebook"))
        self.create_button.setDefault(True)
        self.create_button.setAutoDefault(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        passphrase_label = QLabel(tr("&Passphrase:"), page)
        passphrase_label.setBuddy(self.passphrase)
        confirm_label = QLabel(tr("&Type it again:"), page)
        confirm_label.setBuddy(self.confirm)
        form.addRow(passphrase_label, self.passphrase)
        form.addRow("", self.meter)
        form.addRow(confirm_label, self.confirm)
        self.show_typing = show_typing_box(page, self.passphrase, self.confirm)
        form.addRow("", self.show_typing)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)

        lay_out_page(page, tr("Welcome to Spoke"), [intro, form, self.message], buttons)

        self.passphrase.textChanged.connect(self._passphrase_changed)
        self.confirm.textChanged.connect(lambda _text: self.message.clear_message())
        self.passphrase.returnPressed.connect(self.confirm.setFocus)
        self.confirm.returnPressed.connect(self.create_button.click)
        self.create_button.clicked.connect(self._create_clicked)
        QWidget.setTabOrder(self.passphrase, self.confirm)
        QWidget.setTabOrder(self.confirm, self.show_typing)
        QWidget.setTabOrder(self.show_typing, self.create_button)
        return page

    def _passphrase_changed(self, text: str) -> None:
        self.meter.update_for(text)
        self.message.clear_message()

    def _create_clicked(self) -> None:
        passphrase = self.passphrase.text()
        problem = passphrase_problem(passphrase, self.confirm.text())
        if problem:
            self.message.show_error(problem)
            self.passphrase.setFocus()
            return
        self._set_busy(True)
        self.message.show_info(tr("Setting up your casebook. This takes a few seconds…"))
        self._tasks.submit(
            lambda: self._create(passphrase), self._created, self._failed, owner=self
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.passphrase, self.confirm, self.create_button):
            widget.setEnabled(not busy)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(error, SpokeError):
            raise error
        self.message.show_error(str(error))

    def _created(self, result: tuple[Any, str]) -> None:
        self._book, self._recovery_key = result
        self.passphrase.clear()
        self.confirm.clear()
        self.show_typing.setChecked(False)
        # Two lines of four groups: easier to copy onto paper. Spaces and line breaks are
        # ignored when the key is typed back in.
        groups = self._recovery_key.split("-")
        self.key_label.setText("-".join(groups[:4]) + "-\n" + "-".join(groups[4:]))
        self.pages.setCurrentIndex(1)
        fit_pages(self.pages)
        self.copy_button.setFocus()

    # ------------------------------------------------------------------ page 2: recovery key
    def _recovery_page(self) -> QWidget:
        page = QWidget(self)
        explain = paragraph(
            tr("If you ever forget your passphrase, this recovery key is the only way back "
               "into your casebook. Nobody at the hub can open it for you.\n\n"
               "Write it down on paper now and keep it somewhere safe, away from this laptop. "
               "It will not be shown again."),
            page,
        )
        self.key_label = recovery_key_label(page)

        self.copy_button = QPushButton(tr("C&opy"), page)
        self.copy_button.setAccessibleName(tr("Copy the recovery key"))
        self.copy_button.setToolTip(
            tr("Copy the recovery key, for example into a password manager"))
        self.copy_status = QLabel(page)
        self.acknowledge = QCheckBox(tr(ACKNOWLEDGE_TEXT), page)
        self.acknowledge.setAccessibleName(tr(ACKNOWLEDGE_TEXT))
        self.continue_button = QPushButton(tr("Con&tinue"), page)
        self.continue_button.setAccessibleName(tr("Continue to Spoke"))
        self.continue_button.setEnabled(False)

        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.copy_status, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)

        lay_out_page(
            page,
            tr("Your recovery key"),
            [explain, self.key_label, copy_row, self.acknowledge],
            buttons,
        )

        self.copy_button.clicked.connect(self._copy)
        self.acknowledge.toggled.connect(self.continue_button.setEnabled)
        self.continue_button.clicked.connect(self._continue)
        QWidget.setTabOrder(self.key_label, self.copy_button)
        QWidget.setTabOrder(self.copy_button, self.acknowledge)
        QWidget.setTabOrder(self.acknowledge, self.continue_button)
        return page

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._recovery_key)
        self.copy_status.setText(tr(
            "Copied. Paste it somewhere safe; Spoke clears it from the clipboard when you continue."
        ))

    def _continue(self) -> None:
        if not self.acknowledge.isChecked() or self._book is None:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() == self._recovery_key:
            clipboard.clear()  # do not leave the key lying in the clipboard
        self.key_label.clear()
        self._recovery_key = ""
        book, self._book = self._book, None
        emit(self.finished, book)

    def take_book(self) -> Any:
        """The casebook if it was created but not yet handed on (so shutdown can close it)."""
        book, self._book = self._book, None
        return book
