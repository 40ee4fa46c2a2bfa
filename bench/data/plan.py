"""The sizes of the data set at a given scale, and what every part of the seed shares."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

DOMAIN = "bench.clusters.ma"
CALL_REFERENCE = "aap-bench"
PASSWORD = "Bench-mot-de-passe-42"  # noqa: S105 -- benchmark accounts only  # nosec B105
MEMBERS_PER_CLUSTER = 20
REVIEWS_PER_DOSSIER = 3
CONTRACT_YEARS = 5
BATCH = 2000


def _scaled(full, scale, minimum):
    return max(minimum, round(full * scale))


@dataclass
class Plan:
    scale: float = 1.0
    seed: int = 7
    now: object = field(default_factory=timezone.now)

    def __post_init__(self):
        self.rng = random.Random(self.seed)  # noqa: S311 -- reproducible data, not secrets  # nosec B311
        self.clusters = _scaled(1000, self.scale, 1)
        self.contracts = min(self.clusters, _scaled(200, self.scale, 1))
        # Fifty evaluators share the 3,000 reviews: sixty each, a full queue.
        self.evaluators = _scaled(50, self.scale, REVIEWS_PER_DOSSIER)
        self.waiting_list = min(self.clusters - self.contracts, _scaled(100, self.scale, 0))
        self.opens_at = self.now - timedelta(days=3 * 365)
        self.closes_at = self.opens_at + timedelta(days=60)
        # Contracts started after the selection; their first two years are over.
        self.start_date = (self.closes_at + timedelta(days=120)).date()

    def email(self, local):
        return f"{local}@{DOMAIN}"
