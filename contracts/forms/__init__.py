"""The contracts' forms, one module per stage."""
