"""The hidden fields the sign page carries: what it showed and its hash."""

from reviews import selectors, signing


def seen(review) -> dict[str, str]:
    """Sign-form data saying the approver saw the review's content as it is now."""
    content = signing.review_content_to_sign(selectors.review_for_content(review.pk))
    return {
        "content": signing.canonical_json(content),
        "content_hash": signing.content_hash(content),
    }
