"""A product image uploaded from a real browser: picked, POSTed to storage, attached, rendered."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.browser.test_graphiql import Tab, browser, screenshot, tab  # noqa: F401  (fixtures)
from tests.e2e.cli.conftest import Served
from tests.e2e.clients.conftest import REPO

PICTURE = REPO / "tests" / "images" / "mountain-40x30.jpg"
PRODUCT = "prod-browser-pictured"
# What an admin page does with a picked file, with the browser's own fetch and
# FormData: the upload form, the file POSTed straight to storage, the attach, and
# the image shown from the URL the API answers.
UPLOAD = """
async (productId) => {
  const call = async (query, variables) => {
    const response = await fetch("/admin/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const file = document.getElementById("picked").files[0];
  const { createProductImageUpload: upload } = await call(
    `mutation ($input: CreateProductImageUploadInput!) {
       createProductImageUpload(input: $input) { uploadId url fields { name value } } }`,
    { input: { productId, contentType: file.type, contentLength: file.size } },
  );
  const form = new FormData();
  for (const { name, value } of upload.fields) form.append(name, value);
  form.append("file", file);
  const posted = await fetch(upload.url, { method: "POST", body: form });
  const { attachProductImage: product } = await call(
    `mutation ($input: AttachProductImageInput!) {
       attachProductImage(input: $input) { imageUrl image { url width height } } }`,
    { input: { productId, uploadId: upload.uploadId } },
  );
  const shown = document.getElementById("shown");
  shown.src = product.image.url;
  await shown.decode();
  return {
    posted: posted.status,
    image: product.image,
    rendered: [shown.naturalWidth, shown.naturalHeight],
  };
}
"""
PAGE = """
() => {
  document.body.innerHTML =
    '<input type="file" id="picked" accept="image/*"><img id="shown" alt="product">';
}
"""


def test_browser_uploads_a_product_image_and_renders_it(
    tab: Tab,  # noqa: F811
    catalog_server: Served,
) -> None:
    # GIVEN a product, and an admin page of the server's origin with a file input
    created = catalog_server.graphql(
        "mutation ($input: UpsertProductInput!) { upsertProduct(input: $input) { id } }",
        {"input": {"id": PRODUCT, "name": "Pictured", "price": "3"}},
        path="/admin/graphql",
    )
    assert "errors" not in created, created
    tab.page.goto(f"{catalog_server.url}/admin/graphql")
    tab.page.evaluate(PAGE)
    # WHEN the admin picks a JPEG, and the page uploads and attaches it
    tab.page.set_input_files("#picked", PICTURE)
    result = tab.page.evaluate(UPLOAD, PRODUCT)
    # THEN the browser shows it at its own size, from the URL the API now gives
    assert result["posted"] == 204
    assert result["image"]["width"] == 40
    assert result["image"]["height"] == 30
    assert result["rendered"] == [40, 30]
    assert screenshot(tab.page, "image-upload.png").stat().st_size > 0
    stored = catalog_server.graphql(
        "query ($id: ID!) { product(id: $id) { imageUrl } }", {"id": PRODUCT}
    )
    assert stored["data"]["product"]["imageUrl"] == result["image"]["url"]
    # AND the only other origin it reached is the local storage it uploaded to
    storage = urlsplit(result["image"]["url"]).netloc
    assert {urlsplit(url).netloc for url in tab.foreign_requests} == {storage}
