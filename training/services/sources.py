"""Links from training material to the policy 条 it comes from."""

from policies.services.versions import article_key


def article_url(regulation, label):
    """The address of a 条 on its regulation page, or "" if the regulation or the 条 is gone."""
    if regulation is None or not label:
        return ""
    regulation = regulation.specific
    key = article_key(label)
    if regulation.article_by_key(key) is None:
        return regulation.url or ""
    return regulation.url + key + "/"


def article_exists(regulation, label):
    return bool(regulation and label and regulation.specific.article_by_key(article_key(label)) is not None)
