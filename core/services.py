"""Small helpers every app's services use."""


def assign_fields(instance, fields, allowed):
    """Copy `fields` onto `instance`; a name outside `allowed` is a programming error."""
    unexpected = set(fields) - set(allowed)
    if unexpected:
        raise TypeError(f"unexpected field(s) for {type(instance).__name__}: {sorted(unexpected)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance
