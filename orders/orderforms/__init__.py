"""Order forms: the question sets customer service and customers answer.

answer_form    the Django form that answers one published version (kinds, limits,
               show-if rules), used by order intake, the portal and the catalog
json_io        JSON import and export of a version, and the one list of a
               question's fields with their checks
services       writes of the builder: drafts, questions, publish, retire, import
selectors      reads of the builder
builder_forms  the builder's own input forms
views, urls    the builder pages under /forms/ (form admins; auditors read)
"""
