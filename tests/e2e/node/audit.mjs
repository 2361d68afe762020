// Runs graphql-http's GraphQL-over-HTTP audit against one endpoint and prints the
// results as JSON: one entry per audit, its status, and the reason of a failure.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <endpoint url>');
  process.exit(2);
}
const results = await auditServer({ url });
const report = await Promise.all(
  results.map(async (result) => ({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === 'ok' ? undefined : result.reason,
    body: result.status === 'ok' ? undefined : await result.response.text().catch(() => ''),
  })),
);
console.log(JSON.stringify(report));
