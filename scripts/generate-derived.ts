/**
 * Writes the modules derived from the bundled spec (generated/openapi.json), after hey-api has written the SDK that
 * the operation table names its types from: the operation table, the error-code table and the mock's answers. One
 * script, so `npm run generate` starts tsx once for the three: each start is most of the 0.8-1.0 s a generator took
 * alone, and `npm run generate` has 10 s.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../src/spec/operations.js';
import { renderErrorCodesModule } from './generate-error-codes.js';
import { renderMockSpec } from './generate-mock-spec.js';
import { renderOperationsModule } from './generate-operations.js';

const generated = join(import.meta.dirname, '..', 'generated');
const spec = loadSpec();
writeFileSync(join(generated, 'operations.gen.ts'), renderOperationsModule(spec));
writeFileSync(join(generated, 'error-codes.gen.ts'), renderErrorCodesModule(spec));
writeFileSync(join(generated, 'mock-spec.gen.ts'), renderMockSpec(spec));
