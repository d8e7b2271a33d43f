"""rehearse's message catalogs: ``<code>/LC_MESSAGES/rehearse.po``, one per language, and the
template ``rehearse.pot``. ``python -m rehearse.locale`` refreshes them from the code."""
