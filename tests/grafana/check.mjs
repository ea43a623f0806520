// Type-checks each Grafana dashboard JSON given against Grafana's published dashboard schema: @grafana/schema's
// Dashboard type, its panels' targets as the Amazon Athena data source's query model (grafana/athena-datasource
// src/types.ts: format 0 time series, 1 table, 2 logs; rawSQL; connectionArgs). An object literal of a declared type
// gets TypeScript's excess-property check, so a misspelt or unknown key fails as a wrong type does.
// Prints a JSON array of {file, errors: [message]}. Usage: node check.mjs FILE.json...
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const here = path.dirname(new URL(import.meta.url).pathname);
const work = fs.mkdtempSync(path.join(here, '.check-'));
try {
  const prelude = `import type { Dashboard, Panel, DataSourceRef, VariableModel } from '@grafana/schema';
interface AthenaQuery {
  refId: string;
  datasource?: DataSourceRef;
  hide?: boolean;
  format: 0 | 1 | 2;
  rawSQL: string;
  connectionArgs: { region?: string; catalog?: string; database?: string; resultReuseEnabled?: boolean; resultReuseMaxAgeInMinutes?: number };
}
type AthenaPanel = Omit<Panel, 'targets'> & { targets: AthenaQuery[] };
type AthenaVariable = Omit<VariableModel, 'query'> & { query?: string | AthenaQuery };
type AthenaDashboard = Omit<Dashboard, 'panels' | 'templating'> & { panels: AthenaPanel[]; templating: { list: AthenaVariable[] } };
`;
  const files = process.argv.slice(2).map((file, i) => {
    const source = path.join(work, `dashboard${i}.ts`);
    fs.writeFileSync(source, `${prelude}export const dashboard: AthenaDashboard = ${fs.readFileSync(file, 'utf8')};\n`);
    return { file, source };
  });
  const program = ts.createProgram(files.map(f => f.source), {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true, typeRoots: [], types: [],
  });
  const results = files.map(({ file, source }) => ({
    file,
    errors: ts.getPreEmitDiagnostics(program, program.getSourceFile(source)).map(d => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
      return (where ? `line ${where.line + 1 - prelude.split('\n').length + 1}: ` : '') + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    }),
  }));
  process.stdout.write(JSON.stringify(results));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
