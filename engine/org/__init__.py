"""Organisation: the unit tree, users and their accounts, scopes, API tokens."""
