// Types for the operations in ../operations, from the schema the API exports
// (`npm run codegen`, or `make clients` at the root): schema.ts holds every schema
// type, operations.ts each operation's variables and result (with the input types it
// uses: typescript-operations 6 writes those itself). CODEGEN_OUTPUT redirects the
// output, for the test that checks the committed files are up to date.
import type { CodegenConfig } from "@graphql-codegen/cli";

const output = process.env.CODEGEN_OUTPUT ?? "src/generated";

// Both travel as strings: Decimal stays exact, DateTime is ISO 8601 in UTC.
const scalars = {
  Decimal: { input: "string", output: "string" },
  DateTime: { input: "string", output: "string" },
};

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: "../operations/*.graphql",
  generates: {
    [`${output}/schema.ts`]: { plugins: ["typescript"], config: { scalars } },
    [`${output}/operations.ts`]: { plugins: ["typescript-operations"], config: { scalars } },
  },
};

export default config;
