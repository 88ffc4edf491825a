"""The hardening world: real objects behind every page the roles open."""

from tests.hardening.conftest import (
    _generous_rate_limit,
    customer,
    intake_version,
    world,
)

__all__ = ["_generous_rate_limit", "customer", "intake_version", "world"]
