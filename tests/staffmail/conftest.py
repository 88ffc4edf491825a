"""The change-order fixtures, shared: orders entered and signed as there."""

from tests.changes import conftest as changes

accepted_order = changes.accepted_order
change_version = changes.change_version
planner = changes.planner
team = changes.team
