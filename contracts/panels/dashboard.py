"""Panels this stage contributes to other pages (see core.dashboard)."""


def register():
    pass
