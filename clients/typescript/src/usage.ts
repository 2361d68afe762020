// How a frontend uses the generated types: each call's variables and result are
// checked against the schema. `tsc --noEmit` (tests/e2e/clients) type-checks this file.
import type {
  AttachProductImageMutation,
  AttachProductImageMutationVariables,
  CategoryPageQuery,
  CategoryPageQueryVariables,
  CreateProductImageUploadMutation,
  CreateProductImageUploadMutationVariables,
  DeleteProductMutation,
  DeleteProductMutationVariables,
  ProductPageQuery,
  ProductPageQueryVariables,
  ProductSearchQuery,
  ProductSearchQueryVariables,
  StorefrontPageQuery,
  StorefrontPageQueryVariables,
  UpsertProductMutation,
  UpsertProductMutationVariables,
} from "./generated/operations";
import type { Product } from "./generated/schema";

type GraphQLError = { message: string; extensions?: { code?: string } };

/** POST one operation (a mutation); the result's data, or the first error's code as an Error. */
export async function request<TData, TVariables>(
  url: string,
  query: string,
  variables: TVariables,
  init: RequestInit = {},
): Promise<TData> {
  const response = await fetch(url, {
    ...init,
    method: "POST",
    headers: { "Content-Type": "application/json", ...init.headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: TData; errors?: GraphQLError[] };
  if (body.errors?.length) {
    throw new Error(body.errors[0].extensions?.code ?? body.errors[0].message);
  }
  return body.data as TData;
}

/** The SHA-256 (hex) of a document, as the persisted-query protocol and the manifest key it. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Run a query with GET, so browsers and the CDN can cache the answer: by its hash alone
 * (a persisted query; with trusted documents, the manifest's documents need nothing
 * more), sending the text only if the server does not know the hash yet.
 */
export async function read<TData, TVariables>(
  url: string,
  query: string,
  variables: TVariables,
  init: RequestInit = {},
): Promise<TData> {
  const sha256Hash = await sha256(query);
  const get = async (withText: boolean) => {
    const params = new URLSearchParams({
      variables: JSON.stringify(variables),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash } }),
    });
    if (withText) params.set("query", query);
    const response = await fetch(`${url}?${params}`, { ...init, method: "GET" });
    return (await response.json()) as { data?: TData; errors?: GraphQLError[] };
  };
  let body = await get(false);
  if (body.errors?.[0]?.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") {
    body = await get(true);
  }
  if (body.errors?.length) {
    throw new Error(body.errors[0].extensions?.code ?? body.errors[0].message);
  }
  return body.data as TData;
}

// The documents of ../../web/persisted-documents.json (the operations as graphql-js
// prints them, so their hashes are the manifest's), as a bundler would import them.
declare const ProductPage: string;
declare const CategoryPage: string;
declare const UpsertProduct: string;
declare const DeleteProduct: string;
declare const StorefrontPage: string;
declare const ProductSearch: string;
declare const CreateProductImageUpload: string;
declare const AttachProductImage: string;

/** A category's in-stock products by price, cheapest first, within a price range. */
export async function storefront(
  api: string,
  categoryId: string,
  priceMin: string,
  priceMax: string,
): Promise<string[]> {
  const data = await request<StorefrontPageQuery, StorefrontPageQueryVariables>(
    `${api}/graphql`,
    StorefrontPage,
    { id: categoryId, sortKey: "PRICE", filter: { priceMin, priceMax, inStock: true } },
  );
  return (data.category?.products.edges ?? []).map((e) => `${e.node.name}: ${e.node.price}`);
}

/** Search as you type: the names starting with what was typed so far. */
export async function suggestions(api: string, typed: string): Promise<string[]> {
  const data = await request<ProductSearchQuery, ProductSearchQueryVariables>(
    `${api}/graphql`,
    ProductSearch,
    { text: typed, first: 5 },
  );
  return data.products.edges.map((edge) => edge.node.name);
}

export async function productTitle(api: string, id: string): Promise<string> {
  const data = await read<ProductPageQuery, ProductPageQueryVariables>(
    `${api}/graphql`,
    ProductPage,
    { id },
  );
  if (!data.product) return "Not found";
  const { name, price, currency, category } = data.product;
  // price is a Decimal: a string, so no float rounding on the way.
  return `${category?.name ?? "Catalog"} / ${name}: ${price} ${currency}`;
}

/** A schema type, for code that handles products whatever the operation selected. */
export function isInStock(product: Pick<Product, "stock">): boolean {
  return product.stock > 0;
}

export async function allProductNames(api: string, categoryId: string): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  do {
    const variables: CategoryPageQueryVariables = { id: categoryId, first: 50, after };
    const data: CategoryPageQuery = await read<CategoryPageQuery, CategoryPageQueryVariables>(
      `${api}/graphql`,
      CategoryPage,
      variables,
    );
    const products = data.category?.products;
    if (!products) break;
    names.push(...products.edges.map((edge) => edge.node.name));
    after = products.pageInfo.hasNextPage ? products.pageInfo.endCursor : null;
  } while (after);
  return names;
}

export async function renameThenDelete(api: string, token: string, id: string): Promise<string | null> {
  const headers = { Authorization: `Bearer ${token}` };
  const { upsertProduct } = await request<UpsertProductMutation, UpsertProductMutationVariables>(
    `${api}/admin/graphql`,
    UpsertProduct,
    { input: { id, name: "Renamed", price: "19.99" } },
    { headers },
  );
  const { deleteProduct } = await request<DeleteProductMutation, DeleteProductMutationVariables>(
    `${api}/admin/graphql`,
    DeleteProduct,
    { id: upsertProduct.id, expectedVersion: upsertProduct.version },
    { headers },
  );
  return deleteProduct.deletedAt;
}

/**
 * An image picked in a browser (`<input type="file">`) made a product's image: an upload
 * form from the API, the file POSTed straight to storage, then attached; its public URL.
 */
export async function uploadProductImage(
  api: string,
  token: string,
  productId: string,
  file: File,
): Promise<string> {
  const headers = { Authorization: `Bearer ${token}` };
  const { createProductImageUpload: upload } = await request<
    CreateProductImageUploadMutation,
    CreateProductImageUploadMutationVariables
  >(
    `${api}/admin/graphql`,
    CreateProductImageUpload,
    { input: { productId, contentType: file.type, contentLength: file.size } },
    { headers },
  );
  const form = new FormData();
  for (const { name, value } of upload.fields) form.append(name, value);
  form.append("file", file); // last: S3 ignores fields after the file
  const posted = await fetch(upload.url, { method: "POST", body: form });
  if (!posted.ok) throw new Error(`upload refused: HTTP ${posted.status}`);
  const { attachProductImage } = await request<
    AttachProductImageMutation,
    AttachProductImageMutationVariables
  >(
    `${api}/admin/graphql`,
    AttachProductImage,
    { input: { productId, uploadId: upload.uploadId } },
    { headers },
  );
  return attachProductImage.image?.url ?? "";
}
