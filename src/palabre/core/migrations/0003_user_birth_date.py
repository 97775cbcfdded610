from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_project_step_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="birth_date",
            field=models.DateField(
                blank=True,
                help_text="Demandée seulement par les étapes réservées à un âge minimal ; jamais publiée.",
                null=True,
                verbose_name="date de naissance",
            ),
        ),
    ]
