"""Everything said to and by the customer."""
