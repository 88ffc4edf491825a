"""How long free text may be, in one place: forms, models and the database agree.

Unbounded text let a 2.4 MB assessment note make the acceptance record's PDF take
19 seconds. Every free-text field has one of these limits; forms say so beside the
field, models carry it for their forms, and a CheckConstraint on char_length() holds
it in the database for any other way in.
"""

from django.db import migrations, models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

LABEL = 500  # question help's short cousins: labels, statements shown as one line
SHORT_ANSWER = 500  # a short-text answer without its own limit
NOTE = 4000  # notes, reasons, conditions, descriptions, long answers
HELP = 2000  # a question's help text, a version's change note
BODY = 20000  # a communication's or a notice template's text


def length_check(field: str, limit: int, model: str) -> models.CheckConstraint:
    """A database check that field holds at most limit characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model}_{field}_at_most_{limit}",
        violation_error_message=f"At most {limit} characters.",
    )


class AddLengthCheckNotValid(migrations.AddConstraint):
    """AddConstraint for a length_check, as PostgreSQL's NOT VALID: every row
    written from now on is checked, but a database holding longer text from before
    the limits (a signed note, say) still migrates, and that text is kept as signed.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            statement = self.constraint.create_sql(model, schema_editor)
            schema_editor.execute(f"{statement} NOT VALID")
