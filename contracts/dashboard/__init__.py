"""The programme's figures, summed by the database: contracts, subsidy committed and paid, KPI
targets and what the approved reports say was achieved — per call, per indicator and per
cluster. A few grouped queries whatever the number of contracts.

Which contracts and amounts count:
- *signed*: signed by the cluster, in force or closed (what the State has put its name to);
- *committed* subsidy: the amounts of the tranches of the contracts past their signature
  (signed, active, closed, terminated), except the tranches cancelled — what the contracts
  promise. It is exactly the sum of the contracts' schedules until a contract is terminated
  (its planned tranches are then cancelled), so the 2011 cohort shows its 17 MDH whatever its
  reports achieved. `tranche_commitment()` (what the envelope counts) would drop a tranche
  reduced or withheld for missed KPI targets: that gap is shown beside it as *reduced or
  withheld*, rather than made to disappear from what was committed. Drafts and contracts
  awaiting the cluster's signature commit nothing yet: they are counted by status only.
- *paid*: the payments recorded; *due unpaid*: what is due and not yet paid.
- KPI *targets* are those of the signed contracts (a terminated contract no longer promises
  anything); *achieved* values come from approved annual reports only.
- The public summary shows only contracts countersigned by the ministry (in force or closed).
"""
