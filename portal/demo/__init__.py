"""The demo city (`manage.py seed_demo`): common.py (password, report, people and homes), city.py
(streets, organizations, residents), projects.py (a project in every stage), feedback.py
(complaints, surveys), scale.py (Nanning's 514 projects for benchmarks). Imports point one way:
common ← projects ← feedback ← city ← scale (scale is imported by city only when it is used)."""

from .city import NANNING, fill_to_city_scale, seed_demo_city, seed_nanning
from .common import DEMO_PASSWORD, Report

__all__ = ["DEMO_PASSWORD", "NANNING", "Report", "fill_to_city_scale", "seed_demo_city", "seed_nanning"]
