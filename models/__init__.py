"""PynamoDB models of the catalog's DynamoDB tables."""

from models.base import values
from models.category import Category
from models.claims import CategorySlug, ProductSlug, SlugClaim
from models.product import Product

MODELS = (Product, Category)
# Each entity's slug claims, in its table (models/claims.py).
CLAIMS: dict[type[Product | Category], type[SlugClaim]] = {
    Product: ProductSlug,
    Category: CategorySlug,
}

__all__ = ["CLAIMS", "MODELS", "Category", "CategorySlug", "Product", "ProductSlug", "values"]
