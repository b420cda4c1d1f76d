"""The pages and dialogs of the main window.

How a page gets the casebook: ONE way, in its constructor, typed ``Casebook``
(``spokeapp.store.casebook``). A ``MainWindow`` and its pages live exactly as long as one
unlocked casebook (locking destroys them, unlocking builds new ones), so the casebook never
changes under a page: there is no ``set_book``, and ``refresh()`` / ``open_case(case_id)`` take
no casebook. Pages that need none (Team) take none; the Sync page and its conflict queue take
it too (beside the sync engine, which keeps and settles the conflicts).

How a page writes: never on the GUI thread. Every save goes through the window's
``TaskRunner.write`` (``spokeapp.ui.tasks``), with the button that started it held until it has
finished. Two kinds of write stay in place: drafts kept when Spoke locks or quits (they must
be stored before the casebook closes, right after) and, for safety, the worker's check-ins and
alarm on the Visits page (a duress check-in or alarm must never wait behind other work or lose
its answer: ``VisitsPage.check_in``).
What the pages show and write, without Qt, is in ``spokeapp.present``.
"""
