// Inlines the bundle's top-level constants. esbuild turns every module's `const X = 5` into a
// `var` of the bundle's scope, and Espruino keeps each such variable in RAM for the life of the
// program (a name block and a value block, more for a long string): about 150 JsVars on a
// Puck.js. Code read from a Storage file stays in flash, so a literal written where it is used
// costs RAM only while that code runs. Runs on the unminified bundle: a constant is inlined only
// when its name is declared nowhere else in the bundle and never assigned, so every identifier
// of that name is that constant.
import { parse } from "acorn";
import { children, isNode, type AstNode } from "./astNodes.js";

/** The body of the bundle's IIFE (`(() => { ... })();`), or the program's top level. */
function bundleScope(program: AstNode): AstNode[] | null {
  for (const statement of program.body as AstNode[]) {
    const call = statement.type === "ExpressionStatement" ? (statement.expression as AstNode) : null;
    const callee = call && call.type === "CallExpression" ? (call.callee as AstNode) : null;
    const body = callee && /Function/.test(callee.type) ? (callee.body as AstNode) : null;
    if (body && body.type === "BlockStatement") return body.body as AstNode[];
  }
  // A bundle without a wrapper (format "esm"): its top level is the program's.
  return program.body as AstNode[];
}

function literalText(code: string, init: AstNode | null): string | null {
  if (init === null) return null;
  if (init.type === "Literal" && (typeof init.value === "number" || typeof init.value === "string" || typeof init.value === "boolean")) return code.slice(init.start, init.end);
  if (init.type === "UnaryExpression" && init.operator === "-" && (init.argument as AstNode).type === "Literal" && typeof (init.argument as AstNode).value === "number")
    return "(" + code.slice(init.start, init.end) + ")";
  return null;
}

/**
 * The statements of the bundle's IIFE, without the wrapper, so that they run in Espruino's
 * global scope (a function there holds no scope link: 1 block less each, measured).
 */
export function unwrapBundle(code: string): string {
  const program = parse(code, { ecmaVersion: 2020, sourceType: "module" }) as unknown as AstNode;
  for (const statement of program.body as AstNode[]) {
    const call = statement.type === "ExpressionStatement" ? (statement.expression as AstNode) : null;
    const callee = call && call.type === "CallExpression" ? (call.callee as AstNode) : null;
    const body = callee && /Function/.test(callee.type) ? (callee.body as AstNode) : null;
    if (body && body.type === "BlockStatement") return code.slice(body.start + 1, body.end - 1);
  }
  return code;
}

export function inlineConstants(code: string): string {
  const program = parse(code, { ecmaVersion: 2020, sourceType: "module" }) as unknown as AstNode;
  const scope = bundleScope(program);
  if (scope === null) return code;
  // Names declared (var/let/const, function, parameter, catch) and assigned anywhere.
  const declared = new Map<string, number>();
  const assigned = new Set<string>();
  const declare = (pattern: AstNode) => {
    if (pattern.type === "Identifier") declared.set(pattern.name as string, (declared.get(pattern.name as string) ?? 0) + 1);
    else for (const child of children(pattern)) if (child.type !== "Literal") declare(child);
  };
  const visit = (node: AstNode) => {
    if (node.type === "VariableDeclarator") declare(node.id as AstNode);
    if ((node.type === "FunctionDeclaration" || node.type === "FunctionExpression") && node.id) declare(node.id as AstNode);
    if (/Function/.test(node.type)) for (const p of node.params as AstNode[]) declare(p);
    if (node.type === "CatchClause" && node.param) declare(node.param as AstNode);
    if (node.type === "ClassDeclaration" && node.id) declare(node.id as AstNode);
    if (node.type === "AssignmentExpression" && (node.left as AstNode).type === "Identifier") assigned.add((node.left as AstNode).name as string);
    if (node.type === "UpdateExpression" && (node.argument as AstNode).type === "Identifier") assigned.add((node.argument as AstNode).name as string);
    for (const child of children(node)) visit(child);
  };
  visit(program);

  const values = new Map<string, string>();
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const statement of scope) {
    if (statement.type !== "VariableDeclaration") continue;
    const kept: string[] = [];
    let inlinedAny = false;
    for (const d of statement.declarations as AstNode[]) {
      const id = d.id as AstNode;
      const text = id.type === "Identifier" ? literalText(code, (d.init as AstNode) ?? null) : null;
      const name = id.name as string;
      if (text !== null && declared.get(name) === 1 && !assigned.has(name)) {
        values.set(name, text);
        inlinedAny = true;
      } else kept.push(code.slice(d.start, d.end));
    }
    if (inlinedAny) edits.push({ start: statement.start, end: statement.end, text: kept.length > 0 ? `${statement.kind as string} ${kept.join(", ")};` : "" });
  }
  const replace = (node: AstNode, parent: AstNode | null, key: string) => {
    if (node.type === "Identifier" && values.has(node.name as string)) {
      const isPropertyName = parent !== null && ((parent.type === "MemberExpression" && key === "property" && !parent.computed) || (parent.type === "Property" && key === "key" && !parent.computed) || (parent.type === "MethodDefinition" && key === "key"));
      const isDeclaration = parent !== null && parent.type === "VariableDeclarator" && key === "id";
      if (!isPropertyName && !isDeclaration) {
        const shorthand = parent !== null && parent.type === "Property" && parent.shorthand === true;
        edits.push({ start: node.start, end: node.end, text: shorthand ? `${node.name as string}: ${values.get(node.name as string)!}` : values.get(node.name as string)! });
      }
      return;
    }
    for (const k of Object.keys(node)) {
      const value = node[k];
      if (Array.isArray(value)) for (const item of value) isNode(item) && replace(item, node, k);
      else if (isNode(value)) replace(value, node, k);
    }
  };
  // Declarations being removed are skipped: their inits are literals.
  const removed = edits.slice();
  const inside = (n: AstNode) => removed.some((e) => n.start >= e.start && n.end <= e.end);
  const walkTop = (node: AstNode, parent: AstNode | null, key: string) => {
    if (inside(node)) return;
    if (node.type === "Identifier") return replace(node, parent, key);
    for (const k of Object.keys(node)) {
      const value = node[k];
      if (Array.isArray(value)) for (const item of value) isNode(item) && walkTop(item, node, k);
      else if (isNode(value)) walkTop(value, node, k);
    }
  };
  walkTop(program, null, "");
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
