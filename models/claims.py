"""Slug claims: one item per slug, in the table of the entity that holds it."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from models.base import BaseMeta


class SlugClaim(Model):
    """The claim of a slug: key "slug#<slug>" (models/base.py's `claim_key`), the owner's id.

    Written only inside the owner's transactions (store/entities.py); each kind's
    table is its entity's, bound with it.
    """

    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()
    # The slug itself: a category's claims are in the categories table's `by_slug`
    # index with it, so an old slug is found in the Query that finds a current one.
    slug = UnicodeAttribute(null=True)


class ProductSlug(SlugClaim):
    """The claim of a product slug, in the products table."""

    class Meta(BaseMeta):
        table_name = "catalog-products"


class CategorySlug(SlugClaim):
    """The claim of a category slug, in the categories table."""

    class Meta(BaseMeta):
        table_name = "catalog-categories"
