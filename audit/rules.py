"""Who may read the whole journal: the programme's administrators only."""

import rules

from accounts.rules import is_administrator

rules.add_perm("audit.view_journal", is_administrator)
