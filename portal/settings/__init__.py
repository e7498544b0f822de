"""Settings split after cookiecutter-django: base, local (make run), test (pytest), production."""
