"""The auditor's cross-app views: timeline, field diffs, as-of, signatures, export."""
