/**
 * Just enough of DynamoDB's expression language to authorize a request: which top-level attributes an
 * expression names (for dynamodb:Attributes) and which value a key condition pins the partition key to
 * (for dynamodb:LeadingKeys). It does not evaluate anything.
 *
 * The rule for names errs on the side of naming too much: every identifier or `#placeholder` that is not
 * a keyword, not a function call and not behind a `.` is a top-level attribute. Naming too much can only
 * deny; naming too little would let a ForAllValues condition wave an attribute through.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html
 */
import { validationError } from '../aws-errors.ts';

export type Token =
  | { kind: 'word'; text: string }
  | { kind: 'nameRef'; text: string }
  | { kind: 'valueRef'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'punct'; text: string };

const PUNCTUATION = ['<=', '>=', '<>', '=', '<', '>', '(', ')', '[', ']', ',', '.', '+', '-'];

/** Structural words of condition, key-condition and update expressions; never attribute names. */
const KEYWORDS = new Set(['and', 'or', 'not', 'between', 'in', 'set', 'remove', 'add', 'delete']);

export function tokenize(expression: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space !== null) {
      i += space[0].length;
      continue;
    }
    const match =
      /^#[A-Za-z0-9_]+/.exec(rest) ?? /^:[A-Za-z0-9_]+/.exec(rest) ?? /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (match !== null) {
      const text = match[0];
      const kind = text.startsWith('#') ? 'nameRef' : text.startsWith(':') ? 'valueRef' : 'word';
      tokens.push({ kind, text });
      i += text.length;
      continue;
    }
    const digits = /^\d+/.exec(rest);
    if (digits !== null) {
      tokens.push({ kind: 'number', text: digits[0] });
      i += digits[0].length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => rest.startsWith(p));
    if (punct === undefined) {
      throw validationError(
        `Invalid ${what}: Syntax error; token: "${rest.slice(0, 10)}", near: "${rest.slice(0, 20)}"`,
      );
    }
    tokens.push({ kind: 'punct', text: punct });
    i += punct.length;
  }
  checkBrackets(tokens, what);
  return tokens;
}

/** Balanced parentheses, and list indexes that are plain numbers: enough to reject garbage early. */
function checkBrackets(tokens: Token[], what: string): void {
  let depth = 0;
  tokens.forEach((token, i) => {
    if (token.text === '(') depth++;
    if (token.text === ')' && --depth < 0) throw validationError(`Invalid ${what}: Syntax error; token: ")"`);
    if (token.text === '[' && (tokens[i + 1]?.kind !== 'number' || tokens[i + 2]?.text !== ']')) {
      throw validationError(`Invalid ${what}: Syntax error; list index must be a number`);
    }
  });
  if (depth !== 0) throw validationError(`Invalid ${what}: Syntax error; unbalanced parentheses`);
}

export function resolveName(token: Token, names: Record<string, string>): string {
  if (token.kind !== 'nameRef') return token.text;
  const name = Object.hasOwn(names, token.text) ? names[token.text] : undefined;
  if (name === undefined) {
    throw validationError(
      `Value provided in ExpressionAttributeNames unused in expressions or an expression attribute name used in the document path is not defined; attribute name: ${token.text}`,
    );
  }
  return name;
}

/** Whether tokens[i] starts a document path (as opposed to being a keyword, function or nested name). */
function startsPath(tokens: Token[], i: number): boolean {
  const token = tokens[i];
  if (token === undefined || (token.kind !== 'word' && token.kind !== 'nameRef')) return false;
  if (tokens[i - 1]?.text === '.') return false;
  if (token.kind === 'word') {
    if (KEYWORDS.has(token.text.toLowerCase())) return false;
    if (tokens[i + 1]?.text === '(') return false;
  }
  return true;
}

/** The top-level attribute names an expression reads or writes, with `#placeholders` resolved. */
export function expressionAttributeNames(
  expression: string,
  names: Record<string, string>,
  what: string,
): string[] {
  const tokens = tokenize(expression, what);
  const found: string[] = [];
  tokens.forEach((_, i) => {
    const token = tokens[i];
    if (token !== undefined && startsPath(tokens, i)) found.push(resolveName(token, names));
  });
  return found;
}

/**
 * The value(s) a KeyConditionExpression requires `keyName` to equal: the operands of `key = :value`
 * (either way round) where the key side is a whole top-level path, not a nested one.
 */
export function keyConditionValueRefs(
  expression: string,
  keyName: string,
  names: Record<string, string>,
): string[] {
  const what = 'KeyConditionExpression';
  const tokens = tokenize(expression, what);
  if (
    tokens.some((t) => t.kind === 'word' && (t.text.toLowerCase() === 'or' || t.text.toLowerCase() === 'not'))
  ) {
    throw validationError(`Invalid ${what}: OR and NOT are not supported in key conditions`);
  }
  const isWholeKey = (i: number) => {
    const token = tokens[i];
    const next = tokens[i + 1]?.text;
    return (
      token !== undefined &&
      startsPath(tokens, i) &&
      next !== '.' &&
      next !== '[' &&
      resolveName(token, names) === keyName
    );
  };
  const isValue = (i: number) => {
    const next = tokens[i + 1]?.text;
    return tokens[i]?.kind === 'valueRef' && next !== '.' && next !== '[';
  };
  const refs: string[] = [];
  tokens.forEach((token, i) => {
    if (token.text !== '=') return;
    if (isWholeKey(i - 1) && isValue(i + 1)) refs.push(tokens[i + 1]?.text ?? '');
    else if (isValue(i - 1) && isWholeKey(i + 1)) refs.push(tokens[i - 1]?.text ?? '');
  });
  return refs;
}
