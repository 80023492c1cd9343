import type { LocalAppField } from './app-definition';
import { findTableOf, isSubtable, isWritableFieldType } from './app-definition';
import { invalidParameter, type LocalKintoneApiError } from './kintone-errors';

/** kintone's largest `limit` for GET records.json. */
export const GET_RECORDS_LIMIT = 500;
/** kintone's `limit` when the query gives none. */
export const DEFAULT_GET_RECORDS_LIMIT = 100;
/** kintone's largest `offset`. */
export const MAX_GET_RECORDS_OFFSET = 10_000;

const SUPPORTED_FORMS =
  'The local kintone supports only queries made of: conditions `field = "value"` or `!=`, ' +
  '`field in ("a", "b")` / `not in`, and `<`, `>`, `<=`, `>=` on $id, RECORD_NUMBER and ' +
  'NUMBER fields, joined with "and" (parentheses allowed); then `order by field asc|desc`, ' +
  '`limit N`, `offset M`. Fields of tables (SUBTABLE) cannot be used. Rewrite the query or ' +
  'extend local/kintone/record-query.ts.';

/** What a query can see of a record. */
export interface QueryableRecord {
  id: number;
  values: Readonly<Record<string, string>>;
}

type FieldKind = 'number' | 'text';

interface FieldRef {
  code: string;
  kind: FieldKind;
  read: (record: QueryableRecord) => string;
}

type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';

type Condition =
  | { kind: 'and'; terms: Condition[] }
  | { kind: 'compare'; field: FieldRef; operator: ComparisonOperator; operand: string }
  | { kind: 'in'; field: FieldRef; negate: boolean; operands: string[] };

interface SortKey {
  field: FieldRef;
  descending: boolean;
}

/** A parsed records.json query. */
export interface RecordQuery {
  condition?: Condition;
  sort: SortKey[];
  limit: number;
  offset: number;
  /** Whether the query itself gave `limit` / `offset` (a cursor's query may give neither). */
  hasLimit?: boolean;
  hasOffset?: boolean;
}

type Token =
  | { kind: 'string'; text: string }
  | { kind: 'word'; text: string }
  | { kind: 'operator'; text: ComparisonOperator }
  | { kind: '(' | ')' | ',' };

function unsupported(detail: string): LocalKintoneApiError {
  return invalidParameter('query', `${detail}. ${SUPPORTED_FORMS}`);
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch });
      i += 1;
    } else if (ch === '"') {
      let text = '';
      i += 1;
      while (i < query.length && query.charAt(i) !== '"') {
        // kintone escapes a quote or backslash inside a value with a backslash.
        if (query.charAt(i) === '\\' && i + 1 < query.length) i += 1;
        text += query.charAt(i);
        i += 1;
      }
      if (i >= query.length) throw unsupported('Unterminated string in the query');
      tokens.push({ kind: 'string', text });
      i += 1;
    } else if ('=!<>'.includes(ch)) {
      const two = query.slice(i, i + 2);
      const text = ['!=', '<=', '>='].includes(two) ? two : ch;
      if (text === '!') throw unsupported('"!" must be followed by "="');
      tokens.push({ kind: 'operator', text: text as ComparisonOperator });
      i += text.length;
    } else {
      const match = /^[^\s()",=!<>]+/.exec(query.slice(i));
      const text = match?.[0] ?? ch;
      tokens.push({ kind: 'word', text });
      i += text.length;
    }
  }
  return tokens;
}

class QueryParser {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fields: Readonly<Record<string, LocalAppField>>,
  ) {}

  parse(): RecordQuery {
    const query: RecordQuery = { sort: [], limit: DEFAULT_GET_RECORDS_LIMIT, offset: 0 };
    if (this.peek() !== undefined && !this.atClause()) query.condition = this.parseAnd();
    while (this.peek() !== undefined) {
      const word = this.keyword();
      if (word === 'order') {
        this.position += 1;
        if (this.keyword() !== 'by') throw unsupported('"order" must be followed by "by"');
        this.position += 1;
        query.sort = this.parseSortKeys();
      } else if (word === 'limit') {
        this.position += 1;
        query.limit = this.parseCount('limit', 1, GET_RECORDS_LIMIT);
        query.hasLimit = true;
      } else if (word === 'offset') {
        this.position += 1;
        query.offset = this.parseCount('offset', 0, MAX_GET_RECORDS_OFFSET);
        query.hasOffset = true;
      } else {
        throw unsupported(`Unexpected "${this.describe()}"`);
      }
    }
    return query;
  }

  private parseAnd(): Condition {
    const terms = [this.parseTerm()];
    while (this.keyword() === 'and') {
      this.position += 1;
      terms.push(this.parseTerm());
    }
    if (this.keyword() === 'or') throw unsupported('"or" is not supported');
    return terms.length === 1 && terms[0] !== undefined ? terms[0] : { kind: 'and', terms };
  }

  private parseTerm(): Condition {
    const token = this.next();
    if (token?.kind === '(') {
      const inner = this.parseAnd();
      if (this.next()?.kind !== ')') throw unsupported('Missing ")"');
      return inner;
    }
    if (token?.kind !== 'word') throw unsupported('Expected a field code');
    const field = this.fieldRef(token.text);
    const operatorToken = this.next();
    if (operatorToken?.kind === 'operator') {
      const operator = operatorToken.text;
      if (field.kind === 'text' && operator !== '=' && operator !== '!=') {
        throw unsupported(`"${operator}" on text field "${field.code}"`);
      }
      return { kind: 'compare', field, operator, operand: this.parseOperand(field) };
    }
    const word = operatorToken?.kind === 'word' ? operatorToken.text.toLowerCase() : '';
    if (word === 'in' || (word === 'not' && this.keyword() === 'in')) {
      if (word === 'not') this.position += 1;
      return { kind: 'in', field, negate: word === 'not', operands: this.parseList(field) };
    }
    throw unsupported(`Unsupported operator after "${field.code}"`);
  }

  private parseList(field: FieldRef): string[] {
    if (this.next()?.kind !== '(') throw unsupported('"in" must be followed by "("');
    const operands = [this.parseOperand(field)];
    while (this.peek()?.kind === ',') {
      this.position += 1;
      operands.push(this.parseOperand(field));
    }
    if (this.next()?.kind !== ')') throw unsupported('Missing ")" after the "in" list');
    return operands;
  }

  private parseOperand(field: FieldRef): string {
    const token = this.next();
    const text = token?.kind === 'string' || token?.kind === 'word' ? token.text : undefined;
    if (text === undefined) throw unsupported(`Expected a value for "${field.code}"`);
    if (token?.kind === 'word' && !/^-?\d+(\.\d+)?$/.test(text)) {
      throw unsupported(`Values must be quoted: "${text}"`);
    }
    if (field.kind === 'number' && !Number.isFinite(Number(text))) {
      throw unsupported(`"${text}" is not a number for "${field.code}"`);
    }
    return text;
  }

  private parseSortKeys(): SortKey[] {
    const keys: SortKey[] = [];
    do {
      if (keys.length > 0) this.position += 1;
      const token = this.next();
      if (token?.kind !== 'word') throw unsupported('Expected a field code after "order by"');
      const field = this.fieldRef(token.text);
      const direction = this.keyword();
      if (direction === 'asc' || direction === 'desc') this.position += 1;
      keys.push({ field, descending: direction !== 'asc' });
    } while (this.peek()?.kind === ',');
    return keys;
  }

  private parseCount(clause: string, min: number, max: number): number {
    const token = this.next();
    const value = token?.kind === 'word' && /^\d+$/.test(token.text) ? Number(token.text) : NaN;
    if (!(value >= min && value <= max)) {
      throw invalidParameter('query', `"${clause}" must be a whole number from ${min} to ${max}.`);
    }
    return value;
  }

  private fieldRef(code: string): FieldRef {
    if (code === '$id') return { code, kind: 'number', read: (record) => String(record.id) };
    const field = this.fields[code];
    if (field === undefined) {
      // kintone filters on a table's fields only with "in" / "not in", matching records with
      // any such row; emulating that is not worth it, and ignoring it would match wrongly.
      const inTable = findTableOf(this.fields, code);
      if (inTable !== undefined) {
        throw unsupported(
          `Field "${code}" is inside the table "${inTable.table}": the local kintone cannot query or sort by fields of tables`,
        );
      }
      throw unsupported(`Unknown field "${code}"`);
    }
    if (isSubtable(field)) {
      throw unsupported(`Field "${code}" is a table (SUBTABLE) and cannot be used in a query`);
    }
    if (field.type === 'RECORD_NUMBER') {
      return { code, kind: 'number', read: (record) => String(record.id) };
    }
    if (!isWritableFieldType(field.type)) {
      throw unsupported(`Field "${code}" (${field.type}) cannot be used in a local query`);
    }
    return {
      code,
      kind: field.type === 'NUMBER' ? 'number' : 'text',
      read: (record) => record.values[code] ?? '',
    };
  }

  private atClause(): boolean {
    const word = this.keyword();
    return word === 'order' || word === 'limit' || word === 'offset';
  }

  private keyword(): string | undefined {
    const token = this.peek();
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  }

  private describe(): string {
    const token = this.peek();
    if (token === undefined) return 'end of query';
    return 'text' in token ? token.text : token.kind;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }
}

/**
 * Parses the subset of kintone's query language the local emulator implements; anything
 * else is refused with CB_VA01 rather than silently matching everything.
 */
export function parseRecordQuery(
  query: string,
  fields: Readonly<Record<string, LocalAppField>>,
): RecordQuery {
  return new QueryParser(tokenize(query), fields).parse();
}

/** NUMBER fields hold any string locally; one that is not a number matches no comparison. */
function numericValue(text: string): number | undefined {
  const value = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function matches(record: QueryableRecord, condition: Condition): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.terms.every((term) => matches(record, term));
    case 'in': {
      const found = condition.operands.some((operand) => equal(condition.field, record, operand));
      return condition.negate ? !found : found;
    }
    case 'compare': {
      const { field, operator, operand } = condition;
      if (operator === '=') return equal(field, record, operand);
      if (operator === '!=') return !equal(field, record, operand);
      const actual = numericValue(field.read(record));
      if (actual === undefined) return false;
      const expected = Number(operand);
      if (operator === '<') return actual < expected;
      if (operator === '>') return actual > expected;
      if (operator === '<=') return actual <= expected;
      return actual >= expected;
    }
  }
}

function equal(field: FieldRef, record: QueryableRecord, operand: string): boolean {
  const actual = field.read(record);
  if (field.kind === 'text') return actual === operand;
  if (operand === '') return actual.trim() === '';
  return numericValue(actual) === Number(operand);
}

function compareBy(keys: SortKey[]) {
  return (a: QueryableRecord, b: QueryableRecord): number => {
    for (const { field, descending } of keys) {
      const left = field.read(a);
      const right = field.read(b);
      let order: number;
      if (field.kind === 'number') {
        order = (numericValue(left) ?? -Infinity) - (numericValue(right) ?? -Infinity);
      } else {
        order = left < right ? -1 : left > right ? 1 : 0;
      }
      if (order !== 0) return descending ? -order : order;
    }
    // kintone lists newest first when nothing else decides.
    return b.id - a.id;
  };
}

/** Applies a parsed query: filters, sorts (default `$id desc`), then pages. */
export function selectRecords<T extends QueryableRecord>(
  records: readonly T[],
  query: RecordQuery,
): { page: T[]; totalCount: number } {
  const { condition } = query;
  const matching =
    condition === undefined ? [...records] : records.filter((r) => matches(r, condition));
  matching.sort(compareBy(query.sort));
  return {
    page: matching.slice(query.offset, query.offset + query.limit),
    totalCount: matching.length,
  };
}
