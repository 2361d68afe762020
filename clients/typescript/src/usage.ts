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

/** POST one operation; the result's data, or the first error's code as an Error. */
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

// The documents of ../operations, as a bundler's GraphQL loader would import them.
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
  const data = await request<ProductPageQuery, ProductPageQueryVariables>(
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
    const data: CategoryPageQuery = await request<CategoryPageQuery, CategoryPageQueryVariables>(
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
