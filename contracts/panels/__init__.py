"""Panels the contracts contribute to pages of the portal, one module per stage."""
