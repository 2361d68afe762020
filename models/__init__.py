"""PynamoDB models of the catalog's DynamoDB tables."""

from models.base import values
from models.category import Category
from models.product import Product

MODELS = (Product, Category)

__all__ = ["MODELS", "Category", "Product", "values"]
