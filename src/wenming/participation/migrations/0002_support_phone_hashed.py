"""Supporters' phone numbers are kept only as a keyed hash (HMAC-SHA256 with SECRET_KEY, purpose
"support-phone"), like every other phone used for de-duplication; existing rows are hashed in place."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def _hash(phone: str) -> str:
    message = f"support-phone:{phone}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def hash_phones(apps, schema_editor):
    Support = apps.get_model("participation", "Support")
    for support in Support.objects.exclude(phone_hash="").only("pk", "phone_hash").iterator(chunk_size=1000):
        if len(support.phone_hash) < 64:  # still a phone number
            Support.objects.filter(pk=support.pk).update(phone_hash=_hash(support.phone_hash))


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="support", name="support_once_per_phone"),
        migrations.RenameField(model_name="support", old_name="phone", new_name="phone_hash"),
        migrations.AlterField(
            model_name="support",
            name="phone_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="手机号摘要"),
        ),
        migrations.RunPython(hash_phones, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="support",
            constraint=models.UniqueConstraint(
                condition=~Q(phone_hash=""), fields=("report", "phone_hash"), name="support_once_per_phone"
            ),
        ),
    ]
