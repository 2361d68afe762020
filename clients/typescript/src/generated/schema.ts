export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO 8601 date-time in UTC, e.g. "2026-11-27T18:30:00Z". */
  DateTime: { input: string; output: string; }
  /** Exact decimal, serialized as a string, e.g. "19.99". */
  Decimal: { input: string; output: string; }
};

export type AttachProductImageInput = {
  /** If given, the product is changed only when its stored version equals it. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  productId: Scalars['ID']['input'];
  uploadId: Scalars['ID']['input'];
};

export type BulkError = {
  __typename?: 'BulkError';
  code: Scalars['String']['output'];
  /** The input field at fault by its GraphQL name (for example `categoryId`), when there is one. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
};

export type BulkProductResult = {
  __typename?: 'BulkProductResult';
  error?: Maybe<BulkError>;
  /** Position of the input in `inputs`, from 0. */
  index: Scalars['Int']['output'];
  product?: Maybe<Product>;
};

export type Category = {
  __typename?: 'Category';
  /** The breadcrumb trail: the root first, ending with the parent. Empty for a root. */
  ancestors: Array<Category>;
  /** Live child categories, by name (case-insensitive), then id. */
  children: CategoryConnection;
  createdAt: Scalars['DateTime']['output'];
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** 0 for a root, the parent's level + 1 otherwise. */
  level: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  /** The parent category; null for a root. */
  parent?: Maybe<Category>;
  parentId?: Maybe<Scalars['ID']['output']>;
  /** Number of live (not deleted) products in this category. */
  productCount: Scalars['Int']['output'];
  /** Live products of this category in the sortKey order (reversed when reverse is true), narrowed by filter. Every sortKey, reverse and inStock is served, for all products or one category; priceMin/priceMax need sortKey PRICE, nameStartsWith needs sortKey NAME, and inStock cannot be combined with includeDeleted (BAD_USER_INPUT otherwise). */
  products: ProductConnection;
  /** URL handle: lowercase ASCII letters and digits in hyphen-separated runs, 1-100 characters; unique among categories. */
  slug: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};


export type CategoryChildrenArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
};


export type CategoryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: Scalars['Int']['input'];
  reverse?: Scalars['Boolean']['input'];
  sortKey?: ProductSortKey;
};

export type CategoryConnection = {
  __typename?: 'CategoryConnection';
  edges: Array<CategoryEdge>;
  pageInfo: PageInfo;
};

export type CategoryEdge = {
  __typename?: 'CategoryEdge';
  cursor: Scalars['String']['output'];
  node: Category;
};

export type CreateProductImageUploadInput = {
  /** Size of the file in bytes. */
  contentLength: Scalars['Int']['input'];
  /** image/jpeg, image/png or image/webp. */
  contentType: Scalars['String']['input'];
  productId: Scalars['ID']['input'];
};

export type DeletePayload = {
  __typename?: 'DeletePayload';
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  hard: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
};

export type Facet = {
  __typename?: 'Facet';
  /** "category" or "inStock"; `facets` always holds both, in that order, each possibly with no values. */
  name: Scalars['String']['output'];
  values: Array<FacetValue>;
};

export type FacetValue = {
  __typename?: 'FacetValue';
  count: Scalars['Int']['output'];
  label: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type FormField = {
  __typename?: 'FormField';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  attachProductImage: Product;
  createProductImageUpload: ProductImageUpload;
  deleteCategory: DeletePayload;
  deleteProduct: DeletePayload;
  restoreCategory: Category;
  restoreProduct: Product;
  upsertCategory: Category;
  upsertProduct: Product;
  /**
   * Admin only. 1-100 inputs, each applied as upsertProduct would apply it, independently: one bad input does
   * not stop the others. Results in input order, each with either product or error.
   */
  upsertProducts: Array<BulkProductResult>;
};


export type MutationAttachProductImageArgs = {
  input: AttachProductImageInput;
};


export type MutationCreateProductImageUploadArgs = {
  input: CreateProductImageUploadInput;
};


export type MutationDeleteCategoryArgs = {
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  hard?: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


export type MutationDeleteProductArgs = {
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  hard?: Scalars['Boolean']['input'];
  id: Scalars['ID']['input'];
};


export type MutationRestoreCategoryArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRestoreProductArgs = {
  id: Scalars['ID']['input'];
};


export type MutationUpsertCategoryArgs = {
  input: UpsertCategoryInput;
};


export type MutationUpsertProductArgs = {
  input: UpsertProductInput;
};


export type MutationUpsertProductsArgs = {
  inputs: Array<UpsertProductInput>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PredictiveSearchResult = {
  __typename?: 'PredictiveSearchResult';
  categories: Array<Category>;
  products: Array<Product>;
  /** Completed queries for what was typed, most useful first. */
  queries: Array<Scalars['String']['output']>;
};

export type PriceRange = {
  __typename?: 'PriceRange';
  max: Scalars['Decimal']['output'];
  min: Scalars['Decimal']['output'];
};

export type Product = {
  __typename?: 'Product';
  category?: Maybe<Category>;
  categoryId?: Maybe<Scalars['ID']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** ISO 4217 code, three upper-case letters. */
  currency: Scalars['String']['output'];
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  image?: Maybe<ProductImage>;
  imageUrl?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  price: Scalars['Decimal']['output'];
  /** URL handle, same form as Category.slug; unique among products. */
  slug: Scalars['String']['output'];
  stock: Scalars['Int']['output'];
  updatedAt: Scalars['DateTime']['output'];
  version: Scalars['Int']['output'];
};

export type ProductConnection = {
  __typename?: 'ProductConnection';
  edges: Array<ProductEdge>;
  pageInfo: PageInfo;
};

export type ProductEdge = {
  __typename?: 'ProductEdge';
  cursor: Scalars['String']['output'];
  node: Product;
};

/** Narrows a list of products; every given field must hold. */
export type ProductFilter = {
  /** true: only stock > 0. false: only stock = 0. Absent: both. */
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  /** Name starts with this, case-insensitively (the value is trimmed). */
  nameStartsWith?: InputMaybe<Scalars['String']['input']>;
  /** Price at most this (inclusive). */
  priceMax?: InputMaybe<Scalars['Decimal']['input']>;
  /** Price at least this (inclusive). */
  priceMin?: InputMaybe<Scalars['Decimal']['input']>;
};

export type ProductImage = {
  __typename?: 'ProductImage';
  contentType: Scalars['String']['output'];
  height: Scalars['Int']['output'];
  url: Scalars['String']['output'];
  width: Scalars['Int']['output'];
};

/**
 * Where and how to upload one image file: POST a multipart/form-data form to url with these fields, then the
 * file in a field named "file".
 */
export type ProductImageUpload = {
  __typename?: 'ProductImageUpload';
  expiresAt: Scalars['DateTime']['output'];
  fields: Array<FormField>;
  uploadId: Scalars['ID']['output'];
  url: Scalars['String']['output'];
};

export type ProductSearchConnection = {
  __typename?: 'ProductSearchConnection';
  edges: Array<ProductEdge>;
  facets: Array<Facet>;
  pageInfo: PageInfo;
  /** Lowest and highest price among the matches, ignoring priceMin/priceMax; null when nothing matches. */
  priceRange?: Maybe<PriceRange>;
  /** Exact number of matching products. */
  totalCount: Scalars['Int']['output'];
};

/** How a list of products is ordered. */
export enum ProductSortKey {
  /** Creation time, then id. */
  CreatedAt = 'CREATED_AT',
  /** Name, case-insensitive, then id (the default). */
  Name = 'NAME',
  /** Price amount, then name (case-insensitive), then id. */
  Price = 'PRICE'
}

export type Query = {
  __typename?: 'Query';
  /** Ordered by name (case-insensitive), then id. parentId: only the children of that category (an unknown id is BAD_USER_INPUT). level: only categories at that depth, 0-5 (0 = roots). Both given: BAD_USER_INPUT. Neither: every category, as today. includeDeleted (admins) adds the deleted ones, as today. */
  categories: CategoryConnection;
  /** Exactly one of id and slug (BAD_USER_INPUT otherwise). A slug the category had before still finds it. */
  category?: Maybe<Category>;
  /** At most limit (1-10) of each list. */
  predictiveSearch: PredictiveSearchResult;
  /** Exactly one of id and slug (BAD_USER_INPUT otherwise). A slug the product had before still finds it. */
  product?: Maybe<Product>;
  /** Products in the sortKey order (reversed when reverse is true), narrowed by filter. Every sortKey, reverse and inStock is served, for all products or one category; priceMin/priceMax need sortKey PRICE, nameStartsWith needs sortKey NAME, and inStock cannot be combined with includeDeleted (BAD_USER_INPUT otherwise). */
  products: ProductConnection;
  search: ProductSearchConnection;
};


export type QueryCategoriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  includeDeleted?: Scalars['Boolean']['input'];
  level?: InputMaybe<Scalars['Int']['input']>;
  parentId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryCategoryArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  includeDeleted?: Scalars['Boolean']['input'];
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type QueryPredictiveSearchArgs = {
  limit?: Scalars['Int']['input'];
  query: Scalars['String']['input'];
};


export type QueryProductArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  includeDeleted?: Scalars['Boolean']['input'];
  slug?: InputMaybe<Scalars['String']['input']>;
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: Scalars['Int']['input'];
  includeDeleted?: Scalars['Boolean']['input'];
  reverse?: Scalars['Boolean']['input'];
  sortKey?: ProductSortKey;
};


export type QuerySearchArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SearchFilter>;
  first?: Scalars['Int']['input'];
  query?: Scalars['String']['input'];
  reverse?: Scalars['Boolean']['input'];
  sortKey?: SearchSortKey;
};

/** Narrows a search; every given field must hold. */
export type SearchFilter = {
  /** Products of this category or of any category below it. */
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  inStock?: InputMaybe<Scalars['Boolean']['input']>;
  priceMax?: InputMaybe<Scalars['Decimal']['input']>;
  priceMin?: InputMaybe<Scalars['Decimal']['input']>;
};

/** How search results are ordered. */
export enum SearchSortKey {
  CreatedAt = 'CREATED_AT',
  Name = 'NAME',
  Price = 'PRICE',
  /** Best match first (see the rules); ties by name, then id. With an empty query: NAME order. */
  Relevance = 'RELEVANCE'
}

export type UpsertCategoryInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  id?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** Absent: unchanged (a new category is a root). null: make it a root. An id: move it under that category. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** Absent on create: made from the name. Absent on update: unchanged. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

export type UpsertProductInput = {
  categoryId?: InputMaybe<Scalars['ID']['input']>;
  currency?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  /** If given, the write happens only when the stored version equals it. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Absent: create with a new id. Present: update that product, or create it with this id. */
  id?: InputMaybe<Scalars['ID']['input']>;
  imageUrl?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  price?: InputMaybe<Scalars['Decimal']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
  stock?: InputMaybe<Scalars['Int']['input']>;
};
