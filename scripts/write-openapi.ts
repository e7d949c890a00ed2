/** `npm run openapi`: regenerates the committed openapi.json from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../shared/http/openapi';

writeFileSync(new URL('../openapi.json', import.meta.url), JSON.stringify(buildOpenApiDocument(), null, 2) + '\n');
console.log('openapi.json written');
