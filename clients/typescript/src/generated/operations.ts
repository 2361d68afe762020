/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type AttachProductImageInput = {
  /** If given, the product is changed only when its stored version equals it. */
  expectedVersion?: number | null | undefined;
  productId: string | number;
  uploadId: string | number;
};

export type CreateProductImageUploadInput = {
  /** Size of the file in bytes. */
  contentLength: number;
  /** image/jpeg, image/png or image/webp. */
  contentType: string;
  productId: string | number;
};

/** Narrows a list of products; every given field must hold. */
export type ProductFilter = {
  /** true: only stock > 0. false: only stock = 0. Absent: both. */
  inStock?: boolean | null | undefined;
  /** Name starts with this, case-insensitively (the value is trimmed). */
  nameStartsWith?: string | null | undefined;
  /** Price at most this (inclusive). */
  priceMax?: string | null | undefined;
  /** Price at least this (inclusive). */
  priceMin?: string | null | undefined;
};

/** How a list of products is ordered. */
export type ProductSortKey =
  /** Creation time, then id. */
  | 'CREATED_AT'
  /** Name, case-insensitive, then id (the default). */
  | 'NAME'
  /** Price amount, then name (case-insensitive), then id. */
  | 'PRICE';

/** Narrows a search; every given field must hold. */
export type SearchFilter = {
  /** Products of this category or of any category below it. */
  categoryId?: string | number | null | undefined;
  inStock?: boolean | null | undefined;
  priceMax?: string | null | undefined;
  priceMin?: string | null | undefined;
};

/** How search results are ordered. */
export type SearchSortKey =
  | 'CREATED_AT'
  | 'NAME'
  | 'PRICE'
  /** Best match first (see the rules); ties by name, then id. With an empty query: NAME order. */
  | 'RELEVANCE';

export type UpsertProductInput = {
  categoryId?: string | number | null | undefined;
  currency?: string | null | undefined;
  description?: string | null | undefined;
  /** If given, the write happens only when the stored version equals it. */
  expectedVersion?: number | null | undefined;
  /** Absent: create with a new id. Present: update that product, or create it with this id. */
  id?: string | number | null | undefined;
  imageUrl?: string | null | undefined;
  name?: string | null | undefined;
  price?: string | null | undefined;
  slug?: string | null | undefined;
  stock?: number | null | undefined;
};

export type AttachProductImageMutationVariables = Exact<{
  input: AttachProductImageInput;
}>;


export type AttachProductImageMutation = { attachProductImage: { id: string, version: number, imageUrl: string | null, image: { url: string, width: number, height: number, contentType: string } | null } };

export type CreateProductImageUploadMutationVariables = Exact<{
  input: CreateProductImageUploadInput;
}>;


export type CreateProductImageUploadMutation = { createProductImageUpload: { uploadId: string, url: string, expiresAt: string, fields: Array<{ name: string, value: string }> } };

export type DeleteProductMutationVariables = Exact<{
  id: string | number;
  hard?: boolean;
  expectedVersion?: number | null | undefined;
}>;


export type DeleteProductMutation = { deleteProduct: { id: string, hard: boolean, deletedAt: string | null } };

export type UpsertProductMutationVariables = Exact<{
  input: UpsertProductInput;
}>;


export type UpsertProductMutation = { upsertProduct: { id: string, name: string, description: string | null, price: string, currency: string, stock: number, imageUrl: string | null, categoryId: string | null, createdAt: string, updatedAt: string, version: number } };

export type CategoryBreadcrumbsQueryVariables = Exact<{
  slug: string;
}>;


export type CategoryBreadcrumbsQuery = { category: { id: string, name: string, slug: string, level: number, ancestors: Array<{ id: string, name: string, slug: string }>, children: { edges: Array<{ node: { id: string, name: string, slug: string } }> }, products: { edges: Array<{ node: { id: string, name: string, slug: string, price: string } }> } } | null };

export type CategoryPageQueryVariables = Exact<{
  id: string | number;
  first?: number;
  after?: string | null | undefined;
}>;


export type CategoryPageQuery = { category: { id: string, name: string, description: string | null, productCount: number, products: { edges: Array<{ cursor: string, node: { id: string, name: string, price: string, currency: string, stock: number, imageUrl: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type NavigationMenuQueryVariables = Exact<{ [key: string]: never; }>;


export type NavigationMenuQuery = { categories: { edges: Array<{ node: { id: string, name: string, slug: string, children: { edges: Array<{ node: { id: string, name: string, slug: string } }> } } }> } };

export type PredictiveSearchQueryVariables = Exact<{
  query: string;
  limit?: number;
}>;


export type PredictiveSearchQuery = { predictiveSearch: { queries: Array<string>, products: Array<{ id: string, name: string, price: string, currency: string, imageUrl: string | null }>, categories: Array<{ id: string, name: string }> } };

export type ProductBySlugQueryVariables = Exact<{
  slug: string;
}>;


export type ProductBySlugQuery = { product: { id: string, name: string, slug: string, price: string, currency: string, stock: number, category: { id: string, name: string, slug: string, ancestors: Array<{ name: string, slug: string }> } | null } | null };

export type ProductListQueryVariables = Exact<{
  first?: number;
  after?: string | null | undefined;
  categoryId?: string | number | null | undefined;
  sortKey?: ProductSortKey;
  reverse?: boolean;
  filter?: ProductFilter | null | undefined;
}>;


export type ProductListQuery = { products: { edges: Array<{ cursor: string, node: { id: string, name: string, price: string, currency: string, stock: number, categoryId: string | null, createdAt: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ProductPageQueryVariables = Exact<{
  id: string | number;
}>;


export type ProductPageQuery = { product: { id: string, name: string, description: string | null, price: string, currency: string, stock: number, imageUrl: string | null, updatedAt: string, image: { url: string, width: number, height: number } | null, category: { id: string, name: string } | null } | null };

export type ProductSearchQueryVariables = Exact<{
  text: string;
  first?: number;
  inStock?: boolean | null | undefined;
}>;


export type ProductSearchQuery = { products: { edges: Array<{ node: { id: string, name: string, price: string, currency: string, stock: number } }> } };

export type SearchPageQueryVariables = Exact<{
  query?: string | null | undefined;
  first?: number;
  after?: string | null | undefined;
  sortKey?: SearchSortKey;
  reverse?: boolean;
  filter?: SearchFilter | null | undefined;
}>;


export type SearchPageQuery = { search: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, name: string, price: string, currency: string, stock: number, imageUrl: string | null, category: { id: string, name: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, facets: Array<{ name: string, values: Array<{ value: string, label: string, count: number }> }>, priceRange: { min: string, max: string } | null } };

export type StorefrontPageQueryVariables = Exact<{
  id: string | number;
  first?: number;
  after?: string | null | undefined;
  sortKey?: ProductSortKey;
  reverse?: boolean;
  filter?: ProductFilter | null | undefined;
}>;


export type StorefrontPageQuery = { category: { id: string, name: string, productCount: number, products: { edges: Array<{ cursor: string, node: { id: string, name: string, price: string, currency: string, stock: number, imageUrl: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };
