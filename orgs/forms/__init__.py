"""The orgs app's forms: shared fields (fields), organization and member records (records), accounts."""
