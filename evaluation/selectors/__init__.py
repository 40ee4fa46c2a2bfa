"""Reads of the evaluation, computed by the database where they can be: `ranking` (a call's
ranking and eligibility), `assignments` (who evaluates what), `reviews` (the grid and what a
review lacks)."""
