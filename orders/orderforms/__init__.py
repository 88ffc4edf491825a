"""Order forms: the question sets customer service and customers answer.

answer_form          the Django form that answers one published version (show-if
                     rules, drafts), used by order intake, the portal and the catalog
answer_fields        its fields, one per question kind with the question's limits
answers              stored answers: visibility, typed values, the display function
question_attributes  the one description of a question's attributes
document_checks      the one check of a version or a question, used by the builder,
                     the admin and the JSON import
json_io              JSON import and export of a version
services             writes of the builder: drafts, questions, publish, retire, import
selectors            reads of the builder
builder_forms        the builder's own input forms
views, urls          the builder pages under /forms/ (form admins; auditors read)
"""
