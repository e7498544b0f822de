"""Abstract models every app may build on. Not an installed app: abstract models need none."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .files import PhotoPath, private_storage


class StoredPhoto(models.Model):
    """A photo as core.photos stores it: re-encoded without metadata, with a thumbnail, both in
    private storage (served only by a view that checked who asks). A concrete model adds its
    foreign key and names its folders: PHOTO_FOLDERS = ("full-size folder", "thumbnail folder")."""

    PHOTO_FOLDERS: tuple[str, str] = ("photos", "photo-thumbs")

    image = models.FileField(_("photo"), storage=private_storage, upload_to=PhotoPath(0))
    thumb = models.FileField(_("thumbnail"), storage=private_storage, upload_to=PhotoPath(1))
    photo_content_type = models.CharField(_("file type"), max_length=50, default="image/jpeg")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    thumb_width = models.PositiveIntegerField(_("thumbnail width"))
    thumb_height = models.PositiveIntegerField(_("thumbnail height"))

    class Meta:
        abstract = True
