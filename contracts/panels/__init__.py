"""Panels the contracts contribute to pages of the portal, one module per stage."""


def register():
    from . import contract, dashboard, drafting, reports

    for stage in (contract, drafting, reports, dashboard):
        stage.register()
