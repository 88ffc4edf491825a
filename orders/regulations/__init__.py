"""The register of statutory and regulatory requirements (ISO 9001 8.2.2 a 1):
which laws, directives and standards apply to which order forms, kept by form
admins. Reviews freeze the entries that apply into per-review checks."""
