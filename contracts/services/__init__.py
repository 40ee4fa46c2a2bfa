"""Every write on contracts, one module per stage: generation, lifecycle, reports, payments."""
