"""Every write on contracts, one module per stage: generation, drafting (and the call's terms),
lifecycle, reports, payments; guards and schedule are what the stages share."""
