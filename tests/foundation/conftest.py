"""The intake form and customer, for the backup round trip's signed orders."""

from tests.intake.conftest import customer, intake_version

__all__ = ["customer", "intake_version"]
