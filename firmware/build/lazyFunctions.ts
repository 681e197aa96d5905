// Keeps most of the bundle's functions out of RAM while they are not running (firmware/README.md
// "Memory"). Espruino holds every function of a program in RAM (the function, its code's name and
// flash pointer, a block per parameter, its global name: 4 or more blocks each, most of what a
// Puck.js holds), but a function evaluated from a Storage file keeps its code in flash. So each
// top-level function that is only ever called (never passed as a value) and never called over and
// over (inside a loop, or by such a function) is taken out of the program: its text goes into a
// comment at the head of the bundle file, and each call `f(x)` becomes `L(offset,length)(x)`,
// where `L` reads that slice of the bundle's own Storage file and evaluates it. The function
// then exists only while it runs. Works on the minified bundle, with its own scope analysis: a
// call is rewritten only where the name resolves to the top-level function.
import { parse, tokenizer } from "acorn";
import { isNode, type AstNode } from "./astNodes.js";

function isFunctionNode(node: AstNode): boolean {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
}

const LOOPS = new Set(["ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement", "DoWhileStatement"]);
/** Array methods whose callback runs once per element: a call inside one counts as a call in a loop. */
const ITERATING_METHODS = new Set(["forEach", "map", "filter", "some", "every", "reduce", "find", "findIndex", "sort"]);

/** A function called in a loop that is at most this long passes the loop on to what it calls. */
const SHORT_HELPER_CHARS = 160;

interface Scope {
  names: Set<string>;
  parent: Scope | null;
}

interface Reference {
  node: AstNode;
  /** The top-level function whose body holds the reference, or null (top-level code). */
  inFunction: string | null;
  called: boolean;
  repeated: boolean;
}

function patternNames(pattern: AstNode | null, into: Set<string>): void {
  if (pattern === null) return;
  if (pattern.type === "Identifier") into.add(pattern.name as string);
  else if (pattern.type === "ObjectPattern") for (const p of pattern.properties as AstNode[]) patternNames((p.type === "RestElement" ? p.argument : p.value) as AstNode, into);
  else if (pattern.type === "ArrayPattern") for (const e of pattern.elements as Array<AstNode | null>) patternNames(e, into);
  else if (pattern.type === "RestElement") patternNames(pattern.argument as AstNode, into);
  else if (pattern.type === "AssignmentPattern") patternNames(pattern.left as AstNode, into);
}

/** `var` names and nested function declarations of a function body (not entering nested functions). */
function hoistedNames(node: AstNode, into: Set<string>, top: boolean): void {
  if (node.type === "VariableDeclaration" && node.kind === "var") for (const d of node.declarations as AstNode[]) patternNames(d.id as AstNode, into);
  if (node.type === "FunctionDeclaration" && node.id) into.add((node.id as AstNode).name as string);
  if (!top && isFunctionNode(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) for (const item of value) isNode(item) && !isFunctionNode(item) && hoistedNames(item, into, false);
    else if (isNode(value) && !isFunctionNode(value)) hoistedNames(value, into, false);
  }
}

/** let/const/class declared directly in a block's statement list. */
function lexicalNames(statements: AstNode[], into: Set<string>): void {
  for (const s of statements) {
    if (s.type === "VariableDeclaration" && s.kind !== "var") for (const d of s.declarations as AstNode[]) patternNames(d.id as AstNode, into);
    if (s.type === "ClassDeclaration" && s.id) into.add((s.id as AstNode).name as string);
    if (s.type === "FunctionDeclaration" && s.id) into.add((s.id as AstNode).name as string);
  }
}

function resolvesToTop(scope: Scope, name: string): boolean {
  for (let s: Scope | null = scope; s !== null && s.parent !== null; s = s.parent) if (s.names.has(name)) return false;
  return true;
}

/** Every reference to a top-level function name that resolves to it. */
function collectReferences(program: AstNode, topFunctions: Map<string, AstNode>): Reference[] {
  const refs: Reference[] = [];
  const top: Scope = { names: new Set(), parent: null };
  const visit = (node: AstNode, parent: AstNode | null, key: string, scope: Scope, inFunction: string | null, repeated: boolean): void => {
    if (node.type === "Identifier") {
      if (parent !== null) {
        if (parent.type === "MemberExpression" && key === "property" && !parent.computed) return;
        if ((parent.type === "Property" || parent.type === "MethodDefinition") && key === "key" && !parent.computed) return;
        if ((parent.type === "LabeledStatement" || parent.type === "BreakStatement" || parent.type === "ContinueStatement") && key === "label") return;
      }
      const name = node.name as string;
      if (topFunctions.has(name) && resolvesToTop(scope, name)) {
        const called = parent !== null && parent.type === "CallExpression" && key === "callee";
        refs.push({ node, inFunction, called, repeated });
      }
      return;
    }
    if (isFunctionNode(node)) {
      const names = new Set<string>();
      if (node.type === "FunctionExpression" && node.id) names.add((node.id as AstNode).name as string);
      for (const p of node.params as AstNode[]) patternNames(p, names);
      const body = node.body as AstNode;
      if (body.type === "BlockStatement") {
        hoistedNames(body, names, true);
        lexicalNames(body.body as AstNode[], names);
      }
      const inner: Scope = { names, parent: scope };
      const owner = node.type === "FunctionDeclaration" && parent !== null && parent.type === "Program" ? ((node.id as AstNode).name as string) : inFunction;
      // A callback of forEach/map/... runs once per element.
      const callback = parent !== null && parent.type === "CallExpression" && key === "arguments" && (parent.callee as AstNode).type === "MemberExpression" && ITERATING_METHODS.has(((parent.callee as AstNode).property as AstNode).name as string);
      for (const p of node.params as AstNode[]) visitPatternDefaults(p, inner, owner, repeated || callback);
      if (body.type === "BlockStatement") for (const s of body.body as AstNode[]) visit(s, body, "body", inner, owner, repeated || callback);
      else visit(body, node, "body", inner, owner, repeated || callback);
      return;
    }
    let scopeHere = scope;
    if (node.type === "BlockStatement" && parent !== null && !isFunctionNode(parent)) {
      const names = new Set<string>();
      lexicalNames(node.body as AstNode[], names);
      scopeHere = { names, parent: scope };
    }
    if ((node.type === "ForStatement" || node.type === "ForInStatement" || node.type === "ForOfStatement")) {
      const head = (node.type === "ForStatement" ? node.init : node.left) as AstNode | null;
      if (head && head.type === "VariableDeclaration" && head.kind !== "var") {
        const names = new Set<string>();
        for (const d of head.declarations as AstNode[]) patternNames(d.id as AstNode, names);
        scopeHere = { names, parent: scope };
      }
    }
    if (node.type === "CatchClause" && node.param) {
      const names = new Set<string>();
      patternNames(node.param as AstNode, names);
      scopeHere = { names, parent: scope };
    }
    const loop = LOOPS.has(node.type);
    for (const k of Object.keys(node)) {
      const value = node[k];
      // Declared names are not references (their default values and computed keys are visited).
      if (node.type === "VariableDeclarator" && k === "id") { visitPatternDefaults(value as AstNode, scopeHere, inFunction, repeated); continue; }
      if (node.type === "CatchClause" && k === "param") continue;
      if ((node.type === "ClassDeclaration" || node.type === "ClassExpression") && k === "id") continue;
      if (Array.isArray(value)) for (const item of value) isNode(item) && visit(item, node, k, scopeHere, inFunction, repeated || loop);
      else if (isNode(value)) visit(value, node, k, scopeHere, inFunction, repeated || loop);
    }
  };
  const visitPatternDefaults = (pattern: AstNode | null, scope: Scope, inFunction: string | null, repeated: boolean): void => {
    if (pattern === null) return;
    if (pattern.type === "AssignmentPattern") {
      visitPatternDefaults(pattern.left as AstNode, scope, inFunction, repeated);
      visit(pattern.right as AstNode, pattern, "right", scope, inFunction, repeated);
    } else if (pattern.type === "ObjectPattern") {
      for (const p of pattern.properties as AstNode[]) {
        if (p.type === "RestElement") visitPatternDefaults(p.argument as AstNode, scope, inFunction, repeated);
        else {
          if (p.computed) visit(p.key as AstNode, p, "key", scope, inFunction, repeated);
          visitPatternDefaults(p.value as AstNode, scope, inFunction, repeated);
        }
      }
    } else if (pattern.type === "ArrayPattern") for (const e of pattern.elements as Array<AstNode | null>) visitPatternDefaults(e, scope, inFunction, repeated);
    else if (pattern.type === "RestElement") visitPatternDefaults(pattern.argument as AstNode, scope, inFunction, repeated);
  };
  for (const s of program.body as AstNode[]) visit(s, program, "body", top, null, false);
  return refs;
}

/** Single-letter globals of Espruino (the interpreter's object, the screen). */
const INTERPRETER_LETTERS = new Set(["E", "g"]);

/** A name used nowhere in the code, for the loader: one letter when one is free (it is written at every call). */
function freshName(code: string): string {
  const names = new Set<string>();
  for (const token of tokenizer(code, { ecmaVersion: 2020 })) if (token.type.label === "name") names.add(String((token as unknown as { value: unknown }).value));
  const letters = "LQYZXWVUTSRPONMKJIHGFDCBAzyxwvutsrqponmlkjihfedcba".split("").filter((c) => !INTERPRETER_LETTERS.has(c));
  for (const candidate of letters) if (!names.has(candidate)) return candidate;
  for (let i = 0; ; i++) if (!names.has(`L${i}`)) return `L${i}`;
}

export interface LazyBundle {
  code: string;
  /** Functions taken out of RAM, and the ones kept (passed as values, or called repeatedly). */
  lazy: number;
  resident: number;
}

/**
 * `code`: a minified script whose top level is Espruino's global scope. `storageFile`: the name
 * the bundle has in Storage (it reads its own text). `layoutLine` is applied to each function's
 * text and to the rest (short lines).
 */
export function lazifyFunctions(code: string, storageFile: string, layoutLine: (text: string) => string): LazyBundle {
  const program = parse(code, { ecmaVersion: 2020, sourceType: "script" }) as unknown as AstNode;
  const topFunctions = new Map<string, AstNode>();
  for (const s of program.body as AstNode[]) if (s.type === "FunctionDeclaration" && s.id) topFunctions.set((s.id as AstNode).name as string, s);
  const refs = collectReferences(program, topFunctions);

  // Kept in RAM: called in a loop, or by a short function that is (a helper called per item,
  // whose callees run as often), or passed as a value. A long function called in a loop (the
  // line reader's handler, a retry) runs its callees once per turn: they stay lazy.
  const hot = new Set<string>();
  for (const r of refs) if (r.repeated) hot.add(r.node.name as string);
  const short = (name: string) => { const n = topFunctions.get(name)!; return n.end - n.start <= SHORT_HELPER_CHARS; };
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of refs) {
      if (r.inFunction !== null && hot.has(r.inFunction) && short(r.inFunction) && !hot.has(r.node.name as string)) {
        hot.add(r.node.name as string);
        grew = true;
      }
    }
  }
  const resident = new Set<string>(hot);
  for (const r of refs) if (!r.called) resident.add(r.node.name as string);
  const lazyNames = [...topFunctions.keys()].filter((n) => !resident.has(n) && refs.some((r) => r.node.name === n));
  const loader = freshName(code);
  const placeholder = (name: string) => `__LAZY__${name}__LAZY__`;

  // Each call of a lazy function names it by a placeholder until the layout is known.
  const edits = refs.filter((r) => lazyNames.includes(r.node.name as string)).map((r) => ({ start: r.node.start, end: r.node.end, text: placeholder(r.node.name as string) }));
  const rewrite = (from: number, to: number): string => {
    let out = "";
    let at = from;
    for (const e of edits.filter((e) => e.start >= from && e.end <= to).sort((a, b) => a.start - b.start)) {
      out += code.slice(at, e.start) + e.text;
      at = e.end;
    }
    return out + code.slice(at, to);
  };

  // Texts of the lazy functions, as anonymous function expressions.
  const texts = new Map<string, string>();
  for (const name of lazyNames) {
    const node = topFunctions.get(name)!;
    const id = node.id as AstNode;
    texts.set(name, layoutLine(`(function${rewrite(id.end, node.end)})`.replace(/^\(function\s*\(/, "(function(")));
  }
  // The rest: the program without the lazy declarations.
  const removed = lazyNames.map((n) => topFunctions.get(n)!).sort((a, b) => a.start - b.start);
  let rest = "";
  let at = 0;
  for (const node of removed) {
    rest += rewrite(at, node.start);
    at = node.end;
  }
  rest += rewrite(at, code.length);
  rest = layoutLine(`function ${loader}(o,l){return eval(require("Storage").read(${JSON.stringify(storageFile)},o,l))}` + rest);

  // Layout: "/*\n" + one function text a line + "*/\n" + the rest. A call's text depends on
  // the offsets, the offsets on the calls' texts: laid out again until nothing moves.
  let places = new Map<string, { offset: number; length: number }>(lazyNames.map((n) => [n, { offset: 99999, length: 9999 }]));
  const call = (name: string) => `${loader}(${places.get(name)!.offset},${places.get(name)!.length})`;
  const fill = (text: string) => text.replace(/__LAZY__(.+?)__LAZY__/g, (_m, name: string) => call(name));
  for (let round = 0; ; round++) {
    const next = new Map<string, { offset: number; length: number }>();
    let offset = 3;
    for (const name of lazyNames) {
      const length = fill(texts.get(name)!).length;
      next.set(name, { offset, length });
      offset += length + 1;
    }
    const moved = lazyNames.some((n) => next.get(n)!.offset !== places.get(n)!.offset || next.get(n)!.length !== places.get(n)!.length);
    places = next;
    if (!moved) break;
    if (round === 50) throw new Error("lazy functions: the layout does not settle");
  }
  const head = lazyNames.map((n) => fill(texts.get(n)!)).join("\n");
  if (head.includes("*/")) throw new Error("a lazy function's text contains */, which would end the comment that holds it");
  const out = `/*\n${head}\n*/\n${fill(rest)}`;
  for (const name of lazyNames) {
    const p = places.get(name)!;
    if (out.slice(p.offset, p.offset + p.length) !== fill(texts.get(name)!)) throw new Error(`lazy function ${name}: layout does not match its offset`);
  }
  return { code: out, lazy: lazyNames.length, resident: topFunctions.size - lazyNames.length };
}
