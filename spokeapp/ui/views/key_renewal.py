"""Settings: give the casebook a new key (``Casebook.renew_key``).

For a worker who thinks someone may have seen her passphrase or recovery key, or copied
Spoke's files from her laptop (a shared or repaired laptop, a backup of her home folder): the
casebook is re-encrypted under a new data key and she gets a new recovery key; the old key
file, with the old passphrase or the old recovery key, then opens nothing. Her passphrase
stays.

The new recovery key is shown before anything changes, and the renewal begins only once she
has ticked that she wrote it down: from then on the new key is the only one that will work
(a renewal cut off by a crash is finished at the next unlock, so the key she saw is always the
one that opens the casebook). Cancelling at that point changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spokeapp.domain.errors import SpokeError
from spokeapp.i18n import translator
from spokeapp.store.casebook import Casebook, KeyRenewal
from spokeapp.ui.tasks import TaskRunner
from spokeapp.ui.widgets import Message, PassphraseEdit, paragraph, recovery_key_label

tr = translator(__name__)

ACKNOWLEDGE = tr.noop("I have written the new recovery key down and will keep it safe")


class NewRecoveryKeyDialog(QDialog):
    """The new recovery key, shown once before the renewal begins; accepted only once the
    worker ticks that she has written it down."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Your new recovery key"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._recovery_key = recovery_key
        explain = paragraph(
            tr("This will be your recovery key once the casebook has its new key: the only "
               "way back in if you forget your passphrase. Your old recovery key will stop "
               "working.\n\nWrite it down on paper now and keep it somewhere safe, away from "
               "this laptop. It will not be shown again."),
            self,
        )
        self.key_label = recovery_key_label(self)
        self.key_label.setText(recovery_key)
        # Wide enough for the key on one line, as it is written down.
        self.setMinimumWidth(self.key_label.fontMetrics().horizontalAdvance(recovery_key) + 120)
        self.copy_button = QPushButton(tr("C&opy"), self)
        self.copy_button.setAccessibleName(tr("Copy the recovery key"))
        self.copy_status = QLabel(self)
        self.acknowledge = QCheckBox(tr(ACKNOWLEDGE), self)
        self.acknowledge.setAccessibleName(tr(ACKNOWLEDGE))
        self.renew_button = QPushButton(tr("&Renew the key"), self)
        self.renew_button.setAccessibleName(tr("Renew the casebook's key"))
        self.renew_button.setEnabled(False)
        self.cancel_button = QPushButton(tr("Cancel"), self)
        self.cancel_button.setAccessibleName(tr("Cancel: keep the current key"))

        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.copy_status, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.renew_button)
        layout = QVBoxLayout(self)
        for item in (explain, self.key_label):
            layout.addWidget(item)
        layout.addLayout(copy_row)
        layout.addWidget(self.acknowledge)
        layout.addLayout(buttons)

        self.copy_button.clicked.connect(self._copy)
        self.acknowledge.toggled.connect(self.renew_button.setEnabled)
        self.renew_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self.finished.connect(self._forget)
        for first, second in ((self.key_label, self.copy_button),
                              (self.copy_button, self.acknowledge),
                              (self.acknowledge, self.renew_button),
                              (self.renew_button, self.cancel_button)):
            QWidget.setTabOrder(first, second)
        self.key_label.setFocus()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._recovery_key)
        self.copy_status.setText(tr(
            "Copied. Paste it somewhere safe; Spoke clears it from the clipboard when you close "
            "this window."
        ))

    def _forget(self, _result: int) -> None:
        """However the window closes: the key leaves the clipboard and the window."""
        clipboard = QGuiApplication.clipboard()
        if self._recovery_key and clipboard.text() == self._recovery_key:
            clipboard.clear()
        self.key_label.clear()
        self._recovery_key = ""


class KeyRenewalBox(QGroupBox):
    """"Give your casebook a new key": the passphrase, then the new recovery key, then the
    re-encryption off the GUI thread."""

    def __init__(self, book: Casebook, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(tr("Give your casebook a new key"), parent)
        self._book = book
        self._tasks = tasks
        self._renewal: KeyRenewal | None = None
        self.dialog: NewRecoveryKeyDialog | None = None
        self.passphrase = PassphraseEdit(tr("Your passphrase, to renew the casebook's key"), self)
        self.renew_button = QPushButton(tr("Ne&w key…"), self)
        self.renew_button.setAccessibleName(tr("Give the casebook a new key"))
        self.message = Message(self, name=tr("Key renewal result"))
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(paragraph(
            tr("If someone may have seen your passphrase or your recovery key, or copied "
               "Spoke's files from this laptop, give the casebook a new key. Everything is "
               "encrypted again, you get a new recovery key, and the old one stops working. "
               "Your passphrase stays the same."),
            self,
        ))
        label = QLabel(tr("&Your passphrase:"), self)
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        form.addRow(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.renew_button)
        form.addRow(row)
        self.renew_button.clicked.connect(self._renew_clicked)
        self.passphrase.returnPressed.connect(self.renew_button.click)
        QWidget.setTabOrder(self.passphrase, self.renew_button)

    def _renew_clicked(self) -> None:
        passphrase = self.passphrase.text()
        if not passphrase:
            self.message.show_error(tr("Type your passphrase first."))
            self.passphrase.setFocus()
            return
        self.message.show_info(tr("Checking your passphrase…"))
        book = self._book
        self._tasks.write(lambda: book.prepare_key_renewal(passphrase), self._prepared,
                          self._failed, owner=self, busy=(self.renew_button,))

    def _prepared(self, renewal: KeyRenewal) -> None:
        self.passphrase.clear()
        self.message.clear_message()
        self._renewal = renewal
        self.dialog = NewRecoveryKeyDialog(renewal.recovery_key, self.window())
        self.dialog.accepted.connect(self._confirmed)
        self.dialog.rejected.connect(self._cancelled)
        self.dialog.open()

    def _cancelled(self) -> None:
        self._renewal = None
        self.message.show_info(tr("Nothing was changed: your casebook keeps its key and your "
                                  "recovery key still works."))

    def _confirmed(self) -> None:
        renewal, self._renewal = self._renewal, None
        if renewal is None:
            return
        self.message.show_info(tr("Giving your casebook its new key… On a large casebook this "
                                  "takes up to a minute; keep Spoke open."))
        book = self._book
        self._tasks.write(lambda: book.renew_key(renewal), self._renewed, self._failed,
                          owner=self, busy=(self.renew_button, self.passphrase))

    def _renewed(self, _result: object) -> None:
        self.message.show_info(tr(
            "Done: your casebook has a new key. Keep the recovery key you just wrote down; the "
            "old one no longer works. Your passphrase is unchanged."
        ))

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, SpokeError):
            raise error
        self.message.show_error(str(error))
        self.passphrase.setFocus()
