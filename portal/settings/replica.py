"""The read replica's settings (core/replica.py, docs/scaling.md), read from the environment."""

import environ

env = environ.Env()


def with_replica(databases: dict, url: str) -> dict:
    """A streaming replica for public pages, open data and exports (core/replica.py), when `url` names
    one. Its connections give up after REPLICA_CONNECT_TIMEOUT seconds, so a replica that went away
    costs one short wait, not a hung page."""
    if not url:
        return databases
    replica = env.db_url_config(url)
    replica["OPTIONS"] = {**replica.get("OPTIONS", {}), "connect_timeout": REPLICA_CONNECT_TIMEOUT}
    replica["TEST"] = {"MIRROR": "default"}
    return {**databases, "replica": {**databases["default"], **replica}}


# Read replica (docs/scaling.md): reads of a person who wrote in the last REPLICA_STICKY_SECONDS go to
# the primary; a replica further behind than REPLICA_MAX_LAG_SECONDS is not read; one that failed is
# not tried again for REPLICA_RETRY_SECONDS; its lag is read every REPLICA_CHECK_SECONDS per process;
# what is built from it is cached at most REPLICA_CACHE_SECONDS; a page says how current it is once
# the replica is REPLICA_NOTICE_SECONDS behind.
REPLICA_CONNECT_TIMEOUT = env.int("REPLICA_CONNECT_TIMEOUT", default=2)
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=10.0)
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=15.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1.0)
REPLICA_CACHE_SECONDS = env.int("REPLICA_CACHE_SECONDS", default=5)
REPLICA_NOTICE_SECONDS = env.float("REPLICA_NOTICE_SECONDS", default=2.0)
