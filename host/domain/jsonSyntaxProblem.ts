// Where a file's JSON goes wrong, by line and column: JSON.parse reads the file, and when it
// refuses, jsonc-parser (strict: no comments, no trailing commas) finds the first error's
// place, which V8's message gives only as a character position, or not at all.
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";

const PLAIN_WORDS: Record<string, string> = {
  InvalidSymbol: "a character that cannot start a JSON value",
  InvalidNumberFormat: "a malformed number",
  PropertyNameExpected: "a property name in double quotes was expected",
  ValueExpected: "a value was expected",
  ColonExpected: "a colon was expected",
  CommaExpected: "a comma was expected",
  CloseBraceExpected: "a closing } was expected",
  CloseBracketExpected: "a closing ] was expected",
  EndOfFileExpected: "the JSON should end here",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "an unfinished comment",
  UnexpectedEndOfString: "a string is not closed",
  UnexpectedEndOfNumber: "an unfinished number",
  InvalidUnicode: "a bad \\u escape",
  InvalidEscapeCharacter: "a bad escape after a backslash",
  InvalidCharacter: "a control character inside a string",
};

export interface JsonSyntaxProblem {
  line: number;
  column: number;
  problem: string;
}

/** The first syntax error of a text JSON.parse refused, with its 1-based line and column. */
export function jsonSyntaxProblem(text: string, fallbackMessage: string): JsonSyntaxProblem {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const offset = first?.offset ?? Number(/at position (\d+)/.exec(fallbackMessage)?.[1] ?? text.length);
  const before = text.slice(0, offset).split("\n");
  const problem = first ? (PLAIN_WORDS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : fallbackMessage;
  return { line: before.length, column: before[before.length - 1].length + 1, problem };
}

/**
 * "file.json line 3, column 12: not valid JSON: a comma was expected (the line reads: ...)".
 * `firstLine` is the file's line number of the text's first line (a JSON Lines record).
 */
export function describeJsonSyntaxProblem(label: string, text: string, error: Error, firstLine = 1): string {
  const at = jsonSyntaxProblem(text, error.message);
  const shown = text.split("\n")[at.line - 1]?.trim().slice(0, 60) ?? "";
  return `${label} line ${at.line + firstLine - 1}, column ${at.column}: not valid JSON: ${at.problem}${shown ? ` (the line reads: ${shown})` : ""}`;
}
