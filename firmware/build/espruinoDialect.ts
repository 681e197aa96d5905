// The Espruino dialect check (DESIGN.md section 4). It parses JavaScript with acorn and
// reports everything the Espruino 2v29 interpreter rejects or runs differently from Node:
// forbidden syntax, globals it lacks, and names used before their declaration (Espruino
// hoists neither functions nor `var`). Run by the firmware build on every bundle, by the
// simulator before it loads a bundle, and by the tests on protocol/.
import * as acorn from "acorn";

export interface DialectProblem {
  line: number;
  column: number;
  message: string;
}

/** Globals the interpreter does not have. */
const MISSING_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Symbol", "Proxy", "Reflect", "BigInt", "globalThis"];

/** Static methods the interpreter does not have, as "Object.member". */
const MISSING_MEMBERS = [
  "Array.from",
  "Array.of",
  "Math.trunc",
  "Math.imul",
  "Math.sign",
  "Math.cbrt",
  "Math.log2",
  "Math.log10",
  "Math.clz32",
  "Math.fround",
  "Number.isInteger",
  "Number.isSafeInteger",
  "Object.fromEntries",
  "Object.getOwnPropertySymbols",
  "Promise.allSettled",
  "Promise.any",
];

type AnyNode = acorn.Node & Record<string, any>;

interface Declaration {
  start: number;
  kind: "function" | "var" | "let" | "const" | "class" | "param" | "catch" | "import";
}

interface Scope {
  /** The function (or program) node this scope belongs to. */
  functionNode: AnyNode;
  declarations: Record<string, Declaration>;
  parent: Scope | null;
}

function isFunction(node: AnyNode): boolean {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
}

function childNodes(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === "string") out.push(item);
    } else if (value && typeof value.type === "string") {
      out.push(value);
    }
  }
  return out;
}

function patternNames(pattern: AnyNode): AnyNode[] {
  if (pattern.type === "Identifier") return [pattern];
  if (pattern.type === "AssignmentPattern") return patternNames(pattern.left);
  if (pattern.type === "RestElement") return patternNames(pattern.argument);
  if (pattern.type === "ArrayPattern") return pattern.elements.filter(Boolean).flatMap(patternNames);
  if (pattern.type === "ObjectPattern") return pattern.properties.flatMap((p: AnyNode) => patternNames(p.type === "RestElement" ? p : p.value));
  return [];
}

export function checkEspruinoDialect(source: string, fileName: string): DialectProblem[] {
  const problems: DialectProblem[] = [];
  let program: AnyNode;
  try {
    program = acorn.parse(source, { ecmaVersion: "latest", sourceType: "script", locations: true, allowReturnOutsideFunction: true }) as AnyNode;
  } catch (error) {
    const e = error as { message: string; loc?: { line: number; column: number } };
    return [{ line: e.loc?.line ?? 0, column: e.loc?.column ?? 0, message: `${fileName}: does not parse: ${e.message}` }];
  }

  const report = (node: AnyNode, message: string) => {
    problems.push({ line: node.loc?.start.line ?? 0, column: node.loc?.start.column ?? 0, message });
  };

  // Pass 1: syntax the interpreter rejects, found node by node.
  const visitSyntax = (node: AnyNode) => {
    switch (node.type) {
      case "ObjectPattern":
      case "ArrayPattern":
        report(node, "destructuring is not supported by Espruino");
        break;
      case "AssignmentPattern":
        report(node, "default parameters are not supported by Espruino");
        break;
      case "RestElement":
        report(node, "rest parameters are not supported by Espruino");
        break;
      case "SpreadElement":
        report(node, "spread is not supported by Espruino");
        break;
      case "ChainExpression":
        report(node, "optional chaining (?.) is not supported by Espruino");
        break;
      case "TaggedTemplateExpression":
        report(node, "tagged templates are not supported by Espruino");
        break;
      case "LabeledStatement":
        report(node, "labels are not supported by Espruino");
        break;
      case "AwaitExpression":
        report(node, "await is not supported by Espruino");
        break;
      case "YieldExpression":
        report(node, "generators are not supported by Espruino");
        break;
      case "PropertyDefinition":
        report(node, "class fields are not supported by Espruino");
        break;
      case "StaticBlock":
        report(node, "static blocks are not supported by Espruino");
        break;
      case "ImportExpression":
      case "ImportDeclaration":
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
        report(node, "ES modules are not supported by Espruino; bundle first");
        break;
      case "MetaProperty":
        report(node, "new.target and import.meta are not supported by Espruino");
        break;
      case "BinaryExpression":
        if (node.operator === "**") report(node, "the ** operator is not supported by Espruino");
        break;
      case "AssignmentExpression":
        if (node.operator === "**=" || node.operator === "&&=" || node.operator === "||=" || node.operator === "??=")
          report(node, `the ${node.operator} operator is not supported by Espruino`);
        break;
      case "Literal":
        if (typeof node.bigint === "string") report(node, "BigInt literals are not supported by Espruino");
        break;
      case "Property":
      case "MethodDefinition":
        if (node.computed) report(node, "computed property keys are not supported by Espruino");
        break;
      case "CatchClause":
        if (node.param === null) report(node, "catch without a binding is not supported by Espruino");
        break;
      case "ClassDeclaration":
      case "ClassExpression":
        if (node.superClass && node.superClass.type === "Identifier" && /Error$/.test(node.superClass.name))
          report(node, `class extends ${node.superClass.name} is not supported by Espruino`);
        break;
    }
    if (isFunction(node)) {
      if (node.async) report(node, "async functions are not supported by Espruino");
      if (node.generator) report(node, "generators are not supported by Espruino");
    }
    for (const child of childNodes(node)) visitSyntax(child);
  };
  visitSyntax(program);

  // Pass 2: scopes. Declarations are collected per block/function first, then each
  // reference is resolved; a reference in the same function as its declaration but
  // textually before it fails on Espruino (no hoisting).
  const declare = (scope: Scope, id: AnyNode, kind: Declaration["kind"], start: number) => {
    if (!(id.name in scope.declarations)) scope.declarations[id.name] = { start, kind };
  };

  const collectBlockDeclarations = (scope: Scope, statements: AnyNode[]) => {
    for (const statement of statements) {
      const decl = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
      if (!decl) continue;
      if (decl.type === "FunctionDeclaration" && decl.id) declare(scope, decl.id, "function", decl.start);
      if (decl.type === "ClassDeclaration" && decl.id) declare(scope, decl.id, "class", decl.start);
      if (decl.type === "VariableDeclaration" && decl.kind !== "var")
        for (const d of decl.declarations) for (const id of patternNames(d.id)) declare(scope, id, decl.kind, d.start);
    }
  };

  const collectVarDeclarations = (scope: Scope, node: AnyNode) => {
    if (node.type === "VariableDeclaration" && node.kind === "var")
      for (const d of node.declarations) for (const id of patternNames(d.id)) declare(scope, id, "var", d.start);
    for (const child of childNodes(node)) if (!isFunction(child)) collectVarDeclarations(scope, child);
  };

  const resolve = (scope: Scope | null, name: string): { scope: Scope; declaration: Declaration } | null => {
    for (let s = scope; s !== null; s = s.parent) if (name in s.declarations) return { scope: s, declaration: s.declarations[name] };
    return null;
  };

  const reference = (scope: Scope, id: AnyNode, functionNode: AnyNode) => {
    const found = resolve(scope, id.name);
    if (found === null) {
      if (MISSING_GLOBALS.includes(id.name)) report(id, `${id.name} does not exist on Espruino`);
      return;
    }
    const d = found.declaration;
    if (d.kind === "param" || d.kind === "catch" || d.kind === "import") return;
    if (found.scope.functionNode === functionNode && id.start < d.start)
      report(id, `'${id.name}' is used before its declaration; Espruino does not hoist ${d.kind === "function" ? "functions" : "declarations"}`);
  };

  const loopClosureCheck = (forNode: AnyNode) => {
    const init = forNode.init;
    if (!init || init.type !== "VariableDeclaration" || init.kind === "var") return;
    const names = init.declarations.flatMap((d: AnyNode) => patternNames(d.id)).map((id: AnyNode) => id.name);
    const findClosure = (node: AnyNode, insideFunction: boolean): AnyNode | null => {
      if (insideFunction && node.type === "Identifier" && names.includes(node.name)) return node;
      for (const child of childNodes(node)) {
        const hit = findClosure(child, insideFunction || isFunction(child));
        if (hit) return hit;
      }
      return null;
    };
    const hit = findClosure(forNode.body, false);
    if (hit) report(hit, `a closure captures loop variable '${hit.name}': on Espruino all iterations share one binding`);
  };

  const walk = (node: AnyNode, scope: Scope, functionNode: AnyNode): void => {
    if (isFunction(node)) {
      const fnScope: Scope = { functionNode: node, declarations: {}, parent: scope };
      if (node.type === "FunctionExpression" && node.id) declare(fnScope, node.id, "param", node.start);
      for (const param of node.params) for (const id of patternNames(param)) declare(fnScope, id, "param", param.start);
      collectVarDeclarations(fnScope, node.body);
      if (node.body.type === "BlockStatement") collectBlockDeclarations(fnScope, node.body.body);
      for (const param of node.params) walkPatternDefaults(param, fnScope, node);
      const body = node.body.type === "BlockStatement" ? node.body.body : [node.body];
      for (const statement of body) walk(statement, fnScope, node);
      return;
    }
    switch (node.type) {
      case "BlockStatement":
      case "StaticBlock": {
        const blockScope: Scope = { functionNode, declarations: {}, parent: scope };
        collectBlockDeclarations(blockScope, node.body);
        for (const statement of node.body) walk(statement, blockScope, functionNode);
        return;
      }
      case "SwitchStatement": {
        walk(node.discriminant, scope, functionNode);
        const blockScope: Scope = { functionNode, declarations: {}, parent: scope };
        for (const c of node.cases) collectBlockDeclarations(blockScope, c.consequent);
        for (const c of node.cases) for (const child of childNodes(c)) walk(child, blockScope, functionNode);
        return;
      }
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement": {
        if (node.type === "ForStatement") loopClosureCheck(node);
        const loopScope: Scope = { functionNode, declarations: {}, parent: scope };
        const head = node.type === "ForStatement" ? node.init : node.left;
        if (head && head.type === "VariableDeclaration") collectBlockDeclarations(loopScope, [head]);
        for (const child of childNodes(node)) walk(child, loopScope, functionNode);
        return;
      }
      case "CatchClause": {
        const catchScope: Scope = { functionNode, declarations: {}, parent: scope };
        if (node.param) for (const id of patternNames(node.param)) declare(catchScope, id, "catch", node.start);
        walk(node.body, catchScope, functionNode);
        return;
      }
      case "ClassDeclaration":
      case "ClassExpression":
        if (node.superClass) walk(node.superClass, scope, functionNode);
        walk(node.body, scope, functionNode);
        return;
      case "VariableDeclarator":
        walkPatternDefaults(node.id, scope, functionNode);
        if (node.init) walk(node.init, scope, functionNode);
        return;
      case "Identifier":
        reference(scope, node, functionNode);
        return;
      case "MemberExpression":
        if (!node.computed && node.object.type === "Identifier" && resolve(scope, node.object.name) === null) {
          const member = `${node.object.name}.${node.property.name}`;
          if (MISSING_MEMBERS.includes(member)) report(node, `${member} does not exist on Espruino`);
        }
        walk(node.object, scope, functionNode);
        if (node.computed) walk(node.property, scope, functionNode);
        return;
      case "Property":
      case "MethodDefinition":
      case "PropertyDefinition":
        if (node.computed) walk(node.key, scope, functionNode);
        if (node.value) walk(node.value, scope, functionNode);
        return;
      case "LabeledStatement":
        walk(node.body, scope, functionNode);
        return;
      case "BreakStatement":
      case "ContinueStatement":
        return;
      case "ImportDeclaration":
        for (const s of node.specifiers) declare(scope, s.local, "import", s.start);
        return;
      case "ExportNamedDeclaration":
        if (node.declaration) walk(node.declaration, scope, functionNode);
        return;
      case "FunctionDeclaration":
        return;
    }
    for (const child of childNodes(node)) walk(child, scope, functionNode);
  };

  const walkPatternDefaults = (pattern: AnyNode, scope: Scope, functionNode: AnyNode) => {
    if (pattern.type === "AssignmentPattern") {
      walkPatternDefaults(pattern.left, scope, functionNode);
      walk(pattern.right, scope, functionNode);
    } else if (pattern.type === "ArrayPattern") {
      for (const e of pattern.elements) if (e) walkPatternDefaults(e, scope, functionNode);
    } else if (pattern.type === "ObjectPattern") {
      for (const p of pattern.properties) walkPatternDefaults(p.type === "RestElement" ? p.argument : p.value, scope, functionNode);
    }
  };

  const programScope: Scope = { functionNode: program, declarations: {}, parent: null };
  collectVarDeclarations(programScope, program);
  collectBlockDeclarations(programScope, program.body);
  for (const statement of program.body) walk(statement, programScope, program);

  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return problems.map((p) => ({ ...p, message: `${fileName}:${p.line}:${p.column + 1}: ${p.message}` }));
}
