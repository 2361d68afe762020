// Drives real urql (@urql/core, with its persisted exchange) and Apollo Client (with its
// persisted-query link over GET) against a running `catalog serve`, with each client's
// default transport, and prints what happened as JSON for the pytest test to judge.
//
// usage: node clients.mjs <base url> <scenario>   (scenario: open | require | manifest | hashes)
import { createHash } from 'node:crypto';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { print } from 'graphql';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, fetchExchange, stringifyDocument } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';

const [base, scenario] = process.argv.slice(2);
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

// Every HTTP exchange the clients make, as the server answered it.
const exchanges = [];

// fetch with a browser's HTTP cache in front: it revalidates a stored GET answer with
// its ETag and serves the stored body on a 304, as browsers and CDNs do.
function recordingFetch(label) {
  const stored = new Map();
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const cached = method === 'GET' ? stored.get(url) : undefined;
    if (cached) headers.set('if-none-match', cached.etag);
    const response = await fetch(url, { ...init, headers });
    const exchange = {
      client: label,
      method,
      path: new URL(url).pathname,
      hasQueryText: method === 'GET' ? new URL(url).searchParams.has('query') : String(init.body).includes('"query"'),
      requestContentType: headers.get('content-type'),
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
    };
    exchanges.push(exchange);
    if (response.status === 304 && cached) {
      return new Response(cached.body, { status: 200, headers: cached.headers });
    }
    const etag = response.headers.get('etag');
    if (method === 'GET' && etag && response.ok) {
      const body = await response.clone().text();
      stored.set(url, { etag, body, headers: response.headers });
    }
    return response;
  };
}

const PRODUCTS = `query StorefrontProducts { products(first: 3) { edges { node { id name } } } }`;
const CATEGORY = `mutation NewCategory($input: UpsertCategoryInput!) { upsertCategory(input: $input) { id name } }`;
const UNKNOWN = `query Scraper { products(first: 100) { edges { node { id name price } } } }`;

function urqlClient(path, { persisted = false } = {}) {
  const exchanges = [fetchExchange];
  if (persisted) {
    exchanges.unshift(persistedExchange({ preferGetForPersistedQueries: true }));
  }
  // No fetch options: urql's default transport, GET for queries within the URL limit.
  return new Client({
    url: base + path,
    exchanges,
    requestPolicy: 'network-only',
    fetch: recordingFetch(persisted ? 'urql-persisted' : 'urql'),
  });
}

function apolloClient(path) {
  const link = ApolloLink.from([
    new PersistedQueryLink({ sha256, useGETForHashedQueries: true }),
    new HttpLink({ uri: base + path, fetch: recordingFetch('apollo') }),
  ]);
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

async function urqlQuery(client, query, variables = {}) {
  const result = await client.query(query, variables).toPromise();
  return summary(result.data, result.error?.graphQLErrors ?? [], result.error?.networkError);
}

async function urqlMutation(client, query, variables) {
  const result = await client.mutation(query, variables).toPromise();
  return summary(result.data, result.error?.graphQLErrors ?? [], result.error?.networkError);
}

async function apolloQuery(client, query) {
  try {
    const result = await client.query({ query: gql(query), fetchPolicy: 'network-only' });
    return summary(result.data, result.error?.errors ?? []);
  } catch (error) {
    return summary(undefined, error.errors ?? [], error);
  }
}

function summary(data, errors, networkError) {
  return {
    data: data ?? null,
    codes: errors.map((error) => error.extensions?.code ?? null),
    networkError: networkError ? String(networkError.message ?? networkError) : null,
  };
}

async function step(name, run) {
  const before = exchanges.length;
  const result = await run();
  return { name, ...result, exchanges: exchanges.slice(before) };
}

const steps = [];
if (scenario === 'open') {
  const urql = urqlClient('/graphql');
  const urqlAdmin = urqlClient('/admin/graphql');
  const urqlPersisted = urqlClient('/graphql', { persisted: true });
  const apollo = apolloClient('/graphql');
  const apolloAdmin = apolloClient('/admin/graphql');
  steps.push(await step('urql-read', () => urqlQuery(urql, PRODUCTS)));
  steps.push(await step('urql-read-again', () => urqlQuery(urql, PRODUCTS)));
  steps.push(await step('urql-admin-read', () => urqlQuery(urqlAdmin, PRODUCTS)));
  steps.push(
    await step('urql-admin-write', () =>
      urqlMutation(urqlAdmin, CATEGORY, { input: { name: 'Made by urql' } }),
    ),
  );
  steps.push(await step('urql-apq-first', () => urqlQuery(urqlPersisted, PRODUCTS)));
  steps.push(await step('urql-apq-second', () => urqlQuery(urqlPersisted, PRODUCTS)));
  steps.push(await step('apollo-apq-first', () => apolloQuery(apollo, UNKNOWN)));
  steps.push(await step('apollo-apq-second', () => apolloQuery(apollo, UNKNOWN)));
  steps.push(await step('apollo-admin-read', () => apolloQuery(apolloAdmin, PRODUCTS)));
  steps.push(
    await step('apollo-admin-write', async () => {
      try {
        const result = await apolloAdmin.mutate({
          mutation: gql(CATEGORY),
          variables: { input: { name: 'Made by Apollo' } },
        });
        return summary(result.data, result.error?.errors ?? []);
      } catch (error) {
        return summary(undefined, error.errors ?? [], error);
      }
    }),
  );
} else if (scenario === 'require') {
  const urqlPersisted = urqlClient('/graphql', { persisted: true });
  const apollo = apolloClient('/graphql');
  const urqlAdmin = urqlClient('/admin/graphql');
  steps.push(await step('urql-trusted', () => urqlQuery(urqlPersisted, PRODUCTS)));
  steps.push(await step('urql-untrusted', () => urqlQuery(urqlPersisted, UNKNOWN)));
  steps.push(await step('apollo-trusted', () => apolloQuery(apollo, PRODUCTS)));
  steps.push(await step('apollo-untrusted', () => apolloQuery(apollo, UNKNOWN)));
  steps.push(await step('urql-admin-untrusted', () => urqlQuery(urqlAdmin, UNKNOWN)));
} else if (scenario === 'hashes') {
  // For each document of web/persisted-documents.json: whether urql and Apollo
  // (its printer, before its cache adds __typename) hash it to the manifest's key.
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(new URL('../../../web/persisted-documents.json', import.meta.url)));
  const checks = Object.entries(manifest).map(([hash, text]) => ({
    hash,
    urql: sha256(stringifyDocument(gql(text))) === hash,
    apollo: sha256(print(gql(text))) === hash,
  }));
  console.log(JSON.stringify(checks));
  process.exit(0);
} else if (scenario === 'manifest') {
  // The storefront query as each client prints and hashes it: a trusted-documents
  // manifest, as GraphQL Code Generator's client preset would write it.
  // Apollo's cache adds __typename before the link hashes the document.
  const apollo = new InMemoryCache().transformDocument(gql(PRODUCTS));
  const texts = [print(apollo), stringifyDocument(gql(PRODUCTS))];
  console.log(JSON.stringify(Object.fromEntries(texts.map((text) => [sha256(text), text]))));
  process.exit(0);
} else {
  console.error('usage: node clients.mjs <base url> open|require|manifest');
  process.exit(2);
}
console.log(JSON.stringify(steps));
