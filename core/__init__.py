"""What every app uses, below all of them (HackSoft's common app, zulip's zerver/lib); it imports
no app of the portal (tests/portal/test_house.py checks). api: the API's error body, pagination
and base behaviour; files: private storage, upload paths and checks; photos: metadata-free
re-encoding; models: the abstract StoredPhoto; admin: read-only bases; errors: coded
ValidationErrors; forms: form_errors; tasks: the shared Celery retry settings."""
