// Parses SQL with dt-sql-parser's Trino grammar. Input on stdin: a JSON array of {name, sql}.
// Output on stdout: a JSON array of {name, errors: [{line, column, message}], whereOnly: bool}, where
// whereOnly says whether every '?' parameter marker sits inside a WHERE clause (Athena binds only there).
import { TrinoSQL } from 'dt-sql-parser';

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const parser = new TrinoSQL();
const results = input.map(({ name, sql }) => {
  const errors = parser.validate(sql).map(e => ({ line: e.startLine, column: e.startColumn, message: e.message }));
  let whereOnly = true;
  if (errors.length === 0) {
    const tree = parser.parse(sql);
    const visit = (node, inWhere) => {
      if (!node) return;
      const type = node.constructor?.name ?? '';
      if (node.symbol && node.getText() === '?' && !inWhere) whereOnly = false;
      const children = node.children ?? [];
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        // In querySpecification, the expression after the WHERE keyword is the where clause.
        const afterWhere = i > 0 && children[i - 1].symbol && children[i - 1].getText().toUpperCase() === 'WHERE';
        visit(child, inWhere || afterWhere);
      }
    };
    visit(tree, false);
  }
  return { name, errors, whereOnly };
});
process.stdout.write(JSON.stringify(results));
