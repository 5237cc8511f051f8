"""Enterprise information (涉企信息归集公示): records entered by departments, reviewed,
published on the portal, withdrawn, expired and ended early (credit repair). The
publication service other domains call to publish what they produce."""

from engine.disclosure.categories import CATEGORIES, Category, category, public_fields

__all__ = ["CATEGORIES", "Category", "category", "public_fields"]
