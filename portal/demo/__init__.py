"""The demo city (`manage.py seed_demo`): common.py (password, report, people and homes), steps.py
(owners, petitions, ballots, plan items, site photos), works.py (budgets, awards, ledgers, progress),
built.py and completed.py (the estates under way and done), projects.py (a project in every stage),
feedback.py (complaints, surveys), city.py (streets, organizations, residents), scale.py and
nanning.py (Nanning's 911 estates and 514 projects, for benchmarks). Imports point one way:
common ← steps ← works ← built, completed ← projects ← feedback ← city ← scale ← nanning."""

from .city import seed_demo_city
from .common import DEMO_PASSWORD, Report
from .nanning import NANNING, fill_to_city_scale, seed_nanning

__all__ = ["DEMO_PASSWORD", "NANNING", "Report", "fill_to_city_scale", "seed_demo_city", "seed_nanning"]
