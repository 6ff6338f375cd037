import { expressionError, tokenize, type Token } from "./expression-tokens.js";

/**
 * kubernetes_labels_expression: a small language with no loops and no side effects, so a role
 * cannot hang or harm the hub. Strings: "..." and labels["key"] (or labels.key; a missing
 * label is ""). Booleans: ==, !=, !, &&, ||, parentheses, true, false, and the functions
 * contains(s, sub), startsWith(s, prefix), endsWith(s, suffix), matches(s, "regex").
 */
type Node =
  | { type: "string"; value: string }
  | { type: "bool"; value: boolean }
  | { type: "label"; key: string }
  | { type: "not"; operand: Node }
  | { type: "binary"; op: "==" | "!=" | "&&" | "||"; left: Node; right: Node }
  | { type: "call"; name: FunctionName; args: [Node, Node]; regex?: RegExp };

type ValueType = "string" | "boolean";
type FunctionName = "contains" | "startsWith" | "endsWith" | "matches";
const FUNCTIONS: readonly FunctionName[] = ["contains", "startsWith", "endsWith", "matches"];

function typeOf(node: Node): ValueType {
  return node.type === "string" || node.type === "label" ? "string" : "boolean";
}

class Parser {
  private index = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.index] ?? { kind: "end", at: this.source.length };
  }

  private next(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private fail(token: Token, reason: string): never {
    throw expressionError(this.source, token.at, reason);
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token.kind === "op" && token.value === value;
  }

  private expectOp(value: string): void {
    const token = this.next();
    if (token.kind !== "op" || token.value !== value) this.fail(token, `expected '${value}'`);
  }

  private expectType(node: Node, want: ValueType, token: Token): Node {
    if (typeOf(node) !== want) this.fail(token, `expected a ${want}, found a ${typeOf(node)}`);
    return node;
  }

  parse(): Node {
    const first = this.peek();
    const node = this.expectType(this.or(), "boolean", first);
    const rest = this.peek();
    if (rest.kind !== "end") this.fail(rest, "unexpected text after the expression");
    return node;
  }

  private logical(op: "&&" | "||", operand: () => Node): Node {
    let start = this.peek();
    let left = operand();
    while (this.isOp(op)) {
      this.expectType(left, "boolean", start);
      this.next();
      start = this.peek();
      const right = this.expectType(operand(), "boolean", start);
      left = { type: "binary", op, left, right };
    }
    return left;
  }

  private or(): Node {
    return this.logical("||", () => this.and());
  }

  private and(): Node {
    return this.logical("&&", () => this.unary());
  }

  private unary(): Node {
    if (!this.isOp("!")) return this.comparison();
    this.next();
    const start = this.peek();
    return { type: "not", operand: this.expectType(this.unary(), "boolean", start) };
  }

  private comparison(): Node {
    const start = this.peek();
    const left = this.primary();
    const token = this.peek();
    if (token.kind !== "op" || (token.value !== "==" && token.value !== "!=")) return left;
    this.next();
    const right = this.primary();
    if (typeOf(left) !== typeOf(right)) this.fail(start, "cannot compare a string with a boolean");
    return { type: "binary", op: token.value, left, right };
  }

  private primary(): Node {
    const token = this.next();
    if (token.kind === "string") return { type: "string", value: token.value };
    if (token.kind === "op" && token.value === "(") {
      const inner = this.or();
      this.expectOp(")");
      return inner;
    }
    if (token.kind !== "ident") return this.fail(token, "expected a value");
    if (token.value === "true" || token.value === "false")
      return { type: "bool", value: token.value === "true" };
    if (token.value === "labels") return this.label();
    const name = FUNCTIONS.find((f) => f === token.value);
    if (name === undefined) {
      return this.fail(
        token,
        `unknown name '${token.value}' (use labels["key"], true, false, ${FUNCTIONS.join(", ")})`,
      );
    }
    return this.call(name, token);
  }

  private label(): Node {
    if (this.isOp(".")) {
      this.next();
      const key = this.next();
      if (key.kind !== "ident") this.fail(key, "expected a label key after 'labels.'");
      return { type: "label", key: key.value };
    }
    this.expectOp("[");
    const key = this.next();
    if (key.kind !== "string") this.fail(key, 'expected a quoted label key, as in labels["env"]');
    this.expectOp("]");
    return { type: "label", key: key.value };
  }

  private call(name: FunctionName, token: Token): Node {
    this.expectOp("(");
    const first = this.expectType(this.or(), "string", this.peek());
    this.expectOp(",");
    const secondToken = this.peek();
    const second = this.expectType(this.or(), "string", secondToken);
    this.expectOp(")");
    if (name !== "matches") return { type: "call", name, args: [first, second] };
    if (second.type !== "string") this.fail(secondToken, "matches() takes a literal regex");
    try {
      return { type: "call", name, args: [first, second], regex: new RegExp(second.value, "u") };
    } catch (error) {
      return this.fail(token, `bad regex: ${(error as Error).message}`);
    }
  }
}

function evaluate(node: Node, labels: Readonly<Record<string, string>>): string | boolean {
  switch (node.type) {
    case "string":
    case "bool":
      return node.value;
    case "label":
      return labels[node.key] ?? "";
    case "not":
      return !evaluate(node.operand, labels);
    case "binary": {
      if (node.op === "&&")
        return Boolean(evaluate(node.left, labels)) && Boolean(evaluate(node.right, labels));
      if (node.op === "||")
        return Boolean(evaluate(node.left, labels)) || Boolean(evaluate(node.right, labels));
      const equal = evaluate(node.left, labels) === evaluate(node.right, labels);
      return node.op === "==" ? equal : !equal;
    }
    case "call": {
      const [a, b] = node.args.map((arg) => String(evaluate(arg, labels))) as [string, string];
      if (node.name === "contains") return a.includes(b);
      if (node.name === "startsWith") return a.startsWith(b);
      if (node.name === "endsWith") return a.endsWith(b);
      return node.regex?.test(a) ?? false;
    }
  }
}

/** A parsed expression, checked once when the role is applied. */
export interface LabelExpression {
  readonly source: string;
  matches(labels: Readonly<Record<string, string>>): boolean;
}

export function parseLabelExpression(source: string): LabelExpression {
  const ast = new Parser(source, tokenize(source)).parse();
  return { source, matches: (labels) => evaluate(ast, labels) === true };
}
