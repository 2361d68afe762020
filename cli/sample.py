"""The sample catalog `catalog seed` writes: an outdoor shop, with fixed ids and slugs.

Its categories are a tree three levels deep (Outdoor > Footwear > Hiking Boots, Outdoor >
Camping > Tents, ...), with the products in the leaves and two without a category.

Its shoes include one out of stock and its names several starting alike ("Trail ..."): the
storefront and search-as-you-type examples of docs/lists.md run on it, and the typed
client's tests check their answers (tests/e2e/clients/test_python_client.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

IMAGE_BASE = "https://example.com/images/products"


@dataclass(frozen=True)
class SampleCategory:
    """One sample category, as `upsert_category` takes it (its parent written first)."""

    id: str
    name: str
    description: str
    parent_id: str | None = None

    def changes(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "slug": self.slug,
            "parent_id": self.parent_id,
        }

    @property
    def slug(self) -> str:
        """Its URL handle, readable and fixed: the id without its "cat-" prefix."""
        return self.id.removeprefix("cat-")


@dataclass(frozen=True)
class SampleProduct:
    """One sample product, as `upsert_product` takes it; prices are exact decimals."""

    id: str
    category_id: str | None
    name: str
    price: str
    stock: int
    description: str
    currency: str = "USD"

    def changes(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "price": Decimal(self.price),
            "currency": self.currency,
            "stock": self.stock,
            "image_url": f"{IMAGE_BASE}/{self.id}.jpg",
            "category_id": self.category_id,
            "slug": self.slug,
        }

    @property
    def slug(self) -> str:
        """Its URL handle, readable and fixed: the id without its "prod-" prefix."""
        return self.id.removeprefix("prod-")


_OUTDOOR = "cat-outdoor"
_FOOTWEAR = "cat-footwear"
_RUNNING = "cat-running-shoes"
_BOOTS = "cat-hiking-boots"
_CAMPING = "cat-camping"
_TENTS = "cat-tents"
_SLEEPING = "cat-sleeping-gear"
_FURNITURE = "cat-camp-furniture"
_KITCHEN = "cat-kitchen"
_ACCESSORIES = "cat-accessories"
_APPAREL = "cat-apparel"

# A tree three levels deep, parents before children; products sit in the leaves.
CATEGORIES = (
    SampleCategory(_OUTDOOR, "Outdoor", "Gear for the trail, the crag and the campsite."),
    SampleCategory(_APPAREL, "Apparel", "Technical clothing for the trail and the city."),
    SampleCategory(_FOOTWEAR, "Footwear", "Running, trail and hiking footwear.", _OUTDOOR),
    SampleCategory(_CAMPING, "Camping", "Tents, sleeping bags and camp furniture.", _OUTDOOR),
    SampleCategory(
        _ACCESSORIES,
        "Accessories",
        "Headlamps, bottles, packs and small essentials.",
        _OUTDOOR,
    ),
    SampleCategory(_RUNNING, "Running Shoes", "Road and trail running shoes.", _FOOTWEAR),
    SampleCategory(_BOOTS, "Hiking Boots", "Boots and approach shoes for rough ground.", _FOOTWEAR),
    SampleCategory(_TENTS, "Tents", "Tents and tarps from one to four people.", _CAMPING),
    SampleCategory(_SLEEPING, "Sleeping Gear", "Sleeping bags, pads and pillows.", _CAMPING),
    SampleCategory(_FURNITURE, "Camp Furniture", "Chairs and hammocks.", _CAMPING),
    SampleCategory(_KITCHEN, "Camp Kitchen", "Stoves, cookware and food for the trail.", _CAMPING),
)

PRODUCTS = (
    SampleProduct(
        "prod-trail-runner",
        _RUNNING,
        "Trail Runner 4",
        "129.99",
        42,
        "Lightweight trail shoe with a rock plate and a 6 mm drop.",
    ),
    SampleProduct(
        "prod-road-racer",
        _RUNNING,
        "Road Racer Pro",
        "159.00",
        18,
        "Carbon-plated racing flat for 10 km to marathon.",
    ),
    SampleProduct(
        "prod-daily-trainer",
        _RUNNING,
        "Daily Trainer",
        "109.95",
        65,
        "Cushioned everyday running shoe with a breathable mesh upper.",
    ),
    SampleProduct(
        "prod-hiking-boot",
        _BOOTS,
        "Ridge Mid GTX Hiking Boot",
        "189.50",
        12,
        "Waterproof mid-cut boot with a grippy rubber outsole.",
    ),
    SampleProduct(
        "prod-approach-shoe",
        _BOOTS,
        "Approach Shoe",
        "139.00",
        7,
        "Sticky-rubber shoe for scrambles and the walk to the crag.",
    ),
    SampleProduct(
        "prod-recovery-sandal",
        _RUNNING,
        "Recovery Sandal",
        "49.99",
        80,
        "Soft foam slide for tired feet after a long day.",
    ),
    SampleProduct(
        "prod-winter-runner",
        _RUNNING,
        "Winter Runner Spike",
        "149.00",
        0,
        "Studded winter running shoe; back in stock in December.",
    ),
    SampleProduct(
        "prod-kids-trail",
        _RUNNING,
        "Kids' Trail Shoe",
        "59.90",
        25,
        "Hook-and-loop trail shoe for young explorers.",
        currency="EUR",
    ),
    SampleProduct(
        "prod-running-tee",
        _APPAREL,
        "Merino Running Tee",
        "69.00",
        54,
        "Short-sleeve merino tee that stays fresh for days.",
    ),
    SampleProduct(
        "prod-rain-shell",
        _APPAREL,
        "Stormline Rain Shell",
        "249.00",
        15,
        "Three-layer waterproof, breathable jacket with pit zips.",
    ),
    SampleProduct(
        "prod-down-jacket",
        _APPAREL,
        "Featherlight Down Jacket",
        "219.99",
        9,
        "800-fill down jacket that packs into its own pocket.",
    ),
    SampleProduct(
        "prod-fleece",
        _APPAREL,
        "Grid Fleece Hoodie",
        "89.95",
        33,
        "Warm, quick-drying grid fleece for cold starts.",
    ),
    SampleProduct(
        "prod-trail-shorts",
        _APPAREL,
        'Trail Shorts 7"',
        "54.00",
        47,
        "Stretch shorts with a liner and a phone pocket.",
    ),
    SampleProduct(
        "prod-running-tights",
        _APPAREL,
        "Thermal Running Tights",
        "79.00",
        21,
        "Brushed-back tights for winter miles.",
    ),
    SampleProduct(
        "prod-wool-socks",
        _APPAREL,
        "Hiking Socks, 2 pairs",
        "24.99",
        120,
        "Cushioned merino blend socks with a seamless toe.",
    ),
    SampleProduct(
        "prod-sun-hat",
        _APPAREL,
        "Wide-Brim Sun Hat",
        "34.50",
        38,
        "UPF 50 hat with a chin strap for windy ridges.",
    ),
    SampleProduct(
        "prod-gloves",
        _APPAREL,
        "Touchscreen Liner Gloves",
        "19.99",
        64,
        "Thin liner gloves that work with a phone.",
    ),
    SampleProduct(
        "prod-base-layer",
        _APPAREL,
        "Midweight Base Layer",
        "74.90",
        17,
        "Long-sleeve merino base layer for cold nights.",
        currency="EUR",
    ),
    SampleProduct(
        "prod-tent-2p",
        _TENTS,
        "Backcountry 2-Person Tent",
        "379.00",
        8,
        "Freestanding three-season tent, 1.6 kg packed.",
    ),
    SampleProduct(
        "prod-tent-4p",
        _TENTS,
        "Basecamp 4-Person Tent",
        "529.00",
        4,
        "Roomy family tent with two doors and two vestibules.",
    ),
    SampleProduct(
        "prod-sleeping-bag",
        _SLEEPING,
        "Down Sleeping Bag -5 °C",
        "299.95",
        11,
        "Mummy bag with 650-fill down and a draft collar.",
    ),
    SampleProduct(
        "prod-synthetic-bag",
        _SLEEPING,
        "Synthetic Sleeping Bag 5 °C",
        "129.00",
        26,
        "Warm even when damp; ideal for summer trips.",
    ),
    SampleProduct(
        "prod-sleeping-pad",
        _SLEEPING,
        "Insulated Sleeping Pad",
        "159.95",
        19,
        "R-value 4.2 air pad that packs to the size of a bottle.",
    ),
    SampleProduct(
        "prod-camp-pillow",
        _SLEEPING,
        "Inflatable Camp Pillow",
        "29.95",
        73,
        "Brushed-fabric pillow that weighs 80 g.",
    ),
    SampleProduct(
        "prod-camp-chair",
        _FURNITURE,
        "Folding Camp Chair",
        "99.00",
        22,
        "Aluminium-frame chair that packs into a stuff sack.",
    ),
    SampleProduct(
        "prod-hammock",
        _FURNITURE,
        "Ultralight Hammock",
        "69.99",
        14,
        "Parachute-nylon hammock with tree straps.",
    ),
    SampleProduct(
        "prod-tarp",
        _TENTS,
        "Silnylon Tarp 3x3 m",
        "119.00",
        6,
        "Versatile shelter for fast and light trips.",
    ),
    SampleProduct(
        "prod-stove",
        _KITCHEN,
        "Canister Stove",
        "59.95",
        44,
        "Boils a litre of water in three and a half minutes.",
    ),
    SampleProduct(
        "prod-cook-pot",
        _KITCHEN,
        "Titanium Cook Pot 750 ml",
        "44.00",
        31,
        "Pot and lid that double as a mug.",
    ),
    SampleProduct(
        "prod-cook-set",
        _KITCHEN,
        "Two-Person Cook Set",
        "79.90",
        16,
        "Nesting pots, bowls and mugs for two.",
    ),
    SampleProduct(
        "prod-fuel",
        _KITCHEN,
        "Isobutane Fuel 230 g",
        "7.49",
        200,
        "Fuel canister for cold-weather cooking.",
    ),
    SampleProduct(
        "prod-spork",
        _KITCHEN,
        "Titanium Spork",
        "12.95",
        150,
        "One utensil, two ends, 17 g.",
    ),
    SampleProduct(
        "prod-water-filter",
        _KITCHEN,
        "Squeeze Water Filter",
        "39.95",
        58,
        "Hollow-fibre filter good for 400,000 litres.",
    ),
    SampleProduct(
        "prod-freeze-dried-chili",
        _KITCHEN,
        "Freeze-Dried Chili",
        "11.50",
        96,
        "Two servings of vegetarian chili; just add boiling water.",
    ),
    SampleProduct(
        "prod-trail-mix",
        _KITCHEN,
        "Trail Mix 500 g",
        "8.99",
        140,
        "Nuts, raisins and dark chocolate.",
    ),
    SampleProduct(
        "prod-coffee-press",
        _KITCHEN,
        "Trail Coffee Press",
        "29.00",
        27,
        "Press that fits inside a 750 ml pot.",
    ),
    SampleProduct(
        "prod-headlamp",
        _ACCESSORIES,
        "Headlamp 400 lm",
        "49.95",
        61,
        "Rechargeable headlamp with a red night-vision mode.",
    ),
    SampleProduct(
        "prod-water-bottle",
        _ACCESSORIES,
        "Insulated Bottle 750 ml",
        "32.00",
        88,
        "Keeps drinks cold for 24 hours.",
    ),
    SampleProduct(
        "prod-soft-flask",
        _ACCESSORIES,
        "Soft Flask 500 ml",
        "22.95",
        102,
        "Collapsible flask for running vests.",
    ),
    SampleProduct(
        "prod-running-vest",
        _ACCESSORIES,
        "Running Vest 12 L",
        "139.00",
        13,
        "Hydration vest with room for a jacket and food.",
    ),
    SampleProduct(
        "prod-daypack",
        _ACCESSORIES,
        "Daypack 24 L",
        "99.95",
        29,
        "Ventilated back panel and hip-belt pockets.",
    ),
    SampleProduct(
        "prod-trekking-poles",
        _ACCESSORIES,
        "Carbon Trekking Poles",
        "149.90",
        10,
        "Folding carbon poles with cork grips; sold as a pair.",
    ),
    SampleProduct(
        "prod-first-aid-kit",
        _ACCESSORIES,
        "First-Aid Kit",
        "34.95",
        41,
        "Blister care, bandages and a foil blanket.",
    ),
    SampleProduct(
        "prod-dry-bag",
        _ACCESSORIES,
        "Dry Bag 10 L",
        "19.00",
        77,
        "Roll-top bag that keeps a sleeping bag dry.",
    ),
    SampleProduct(
        "prod-gps-watch",
        _ACCESSORIES,
        "GPS Watch",
        "349.00",
        5,
        "Multi-sport watch with maps and a 14-day battery.",
    ),
    SampleProduct(
        "prod-sunscreen",
        _ACCESSORIES,
        "Sport Sunscreen SPF 50",
        "14.99",
        0,
        "Sweat-resistant, reef-friendly sunscreen.",
    ),
    SampleProduct(
        "prod-bear-canister",
        _ACCESSORIES,
        "Bear Canister",
        "89.95",
        3,
        "Hard-sided food container required in some parks.",
    ),
    SampleProduct(
        "prod-compass",
        _ACCESSORIES,
        "Baseplate Compass",
        "27.50",
        36,
        "Liquid-filled compass with a declination adjustment.",
    ),
    SampleProduct(
        "prod-gift-card",
        None,
        "Gift Card",
        "50",
        999,
        "A digital gift card, delivered by email.",
    ),
    SampleProduct(
        "prod-sticker",
        None,
        "Trailhead Sticker",
        "0.1",
        500,
        "Die-cut vinyl sticker; a thank-you with every order.",
    ),
)
