"""What every app uses, below all of them (HackSoft's common app, zulip's zerver/lib): it imports
no app of the portal. Today: forms.form_errors. The rest of issue 15's list (the API error body,
private files and photos, read-only admin bases, one coded-error helper, the shared Celery retry
settings) moves here next."""
