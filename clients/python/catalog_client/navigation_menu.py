from .base_model import BaseModel


class NavigationMenu(BaseModel):
    categories: "NavigationMenuCategories"


class NavigationMenuCategories(BaseModel):
    edges: list["NavigationMenuCategoriesEdges"]


class NavigationMenuCategoriesEdges(BaseModel):
    node: "NavigationMenuCategoriesEdgesNode"


class NavigationMenuCategoriesEdgesNode(BaseModel):
    id: str
    name: str
    slug: str
    children: "NavigationMenuCategoriesEdgesNodeChildren"


class NavigationMenuCategoriesEdgesNodeChildren(BaseModel):
    edges: list["NavigationMenuCategoriesEdgesNodeChildrenEdges"]


class NavigationMenuCategoriesEdgesNodeChildrenEdges(BaseModel):
    node: "NavigationMenuCategoriesEdgesNodeChildrenEdgesNode"


class NavigationMenuCategoriesEdgesNodeChildrenEdgesNode(BaseModel):
    id: str
    name: str
    slug: str


NavigationMenu.model_rebuild()
NavigationMenuCategories.model_rebuild()
NavigationMenuCategoriesEdges.model_rebuild()
NavigationMenuCategoriesEdgesNode.model_rebuild()
NavigationMenuCategoriesEdgesNodeChildren.model_rebuild()
NavigationMenuCategoriesEdgesNodeChildrenEdges.model_rebuild()
