from django.db import migrations


def create_default_tier(apps, schema_editor):
    Tier = apps.get_model("accounts", "Tier")
    if not Tier.objects.filter(is_default=True).exists():
        Tier.objects.update_or_create(
            slug="free",
            defaults={"name": "Free", "max_concurrent_books": 3, "daily_requests": 50, "is_default": True},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(create_default_tier, migrations.RunPython.noop)]
