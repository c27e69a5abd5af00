"""Migration operations for tables of millions of rows: an index built or dropped without a write lock.

``CREATE INDEX CONCURRENTLY`` / ``DROP INDEX CONCURRENTLY`` on PostgreSQL (the migration must say
``atomic = False``), the plain statements elsewhere (SQLite in tests). Used by the member list's indexes
(orgs/migrations/0007, 0011).
"""

from django.db import migrations


def _change_index(operation, schema_editor, state, app_label, index, *, add: bool) -> None:
    """Add or drop ``index`` on the operation's model as it is in ``state``: concurrently on PostgreSQL."""
    model = state.apps.get_model(app_label, operation.model_name)
    if not operation.allow_migrate_model(schema_editor.connection.alias, model):
        return
    change = schema_editor.add_index if add else schema_editor.remove_index
    if schema_editor.connection.vendor == "postgresql":
        change(model, index, concurrently=True)
    else:
        change(model, index)


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL, a plain ``CREATE INDEX`` elsewhere (SQLite in tests)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        _change_index(self, schema_editor, to_state, app_label, self.index, add=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        _change_index(self, schema_editor, from_state, app_label, self.index, add=False)


class RemoveIndexConcurrentlyOnPostgres(migrations.RemoveIndex):
    """``DROP INDEX CONCURRENTLY`` on PostgreSQL, a plain ``DROP INDEX`` elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        _change_index(self, schema_editor, from_state, app_label, index, add=False)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        _change_index(self, schema_editor, to_state, app_label, index, add=True)
