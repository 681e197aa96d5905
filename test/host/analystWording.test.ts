// What the HHS analyst reads: a bad JSON file by line and column, visit times in the service
// location's local time with the zone's abbreviation and words where a time is missing, one
// spelling of each board (the earlier one still read, with a note), a clock that was not set
// said in words.
import { describe, expect, it } from "vitest";
import { describeJsonSyntaxProblem, jsonSyntaxProblem } from "../../host/domain/jsonSyntaxProblem.js";
import { localDateTime, localSpan } from "../../host/report/localTime.js";
import { board, parseBoardArgument } from "../../host/domain/boardName.js";
import { syncResultText } from "../../host/provisioning/syncDeviceTime.js";

const jsonError = (text: string): Error => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error("the text parsed");
};

describe("a bad JSON file is reported by line and column", () => {
  it.each([
    ['[\n  {"ndNumber": "ND-1",}\n]', 2, 23, "property name"],
    ['[\n  {"ndNumber": tru}\n]', 2, 16, "cannot start a JSON value"],
    ['[\n  {"ndNumber": "ND-1"}\n', 3, 1, "closing ]"],
    ['[\n  {"ndNumber": "ND-1"}\n  {"ndNumber": "ND-2"}\n]', 3, 3, "comma"],
    ["", 1, 1, "value was expected"],
  ] as const)("%j: line %i, column %i", (text, line, column, words) => {
    expect(jsonSyntaxProblem(text, jsonError(text).message)).toMatchObject({ line, column, problem: expect.stringContaining(words) });
  });

  it("the message names the file, the place and the line as written; JSON Lines count from the record's line", () => {
    const text = '[\n  {"ndNumber": "ND-1",}\n]';
    expect(describeJsonSyntaxProblem("clients.json", text, jsonError(text))).toBe(
      'clients.json line 2, column 23: not valid JSON: a property name in double quotes was expected (the line reads: {"ndNumber": "ND-1",})',
    );
    expect(describeJsonSyntaxProblem("visits.jsonl", '{"a": 1', jsonError('{"a": 1'), 7)).toMatch(/^visits\.jsonl line 7, column 8: /);
  });
});

describe("visit times in the service location's local time", () => {
  const begin = Date.parse("2026-11-24T15:05:00Z");
  it("Central and Mountain time with their abbreviations", () => {
    expect(localDateTime(begin, "America/Chicago")).toBe("Tue 2026-11-24 09:05 CST");
    expect(localDateTime(begin, "America/Denver")).toBe("Tue 2026-11-24 08:05 MST");
    expect(localDateTime(Date.parse("2026-07-01T15:05:00Z"), "America/Chicago")).toBe("Wed 2026-07-01 10:05 CDT");
  });
  it("a span on one day shows the end's time only, with the length; across midnight the whole date", () => {
    expect(localSpan(begin, begin + 135 * 60_000, "America/Chicago")).toBe("Tue 2026-11-24 09:05 CST to 11:20 CST (2 h 15 min)");
    expect(localSpan(begin, begin + 16 * 3600_000, "America/Chicago")).toBe("Tue 2026-11-24 09:05 CST to Wed 2026-11-25 01:05 CST (16 h 0 min)");
  });
  it("a missing check-in or check-out is said in words, never as ?", () => {
    expect(localSpan(begin, null, "America/Chicago")).toBe("checked in Tue 2026-11-24 09:05 CST; no check-out recorded");
    expect(localSpan(null, begin, "America/Chicago")).toBe("no check-in recorded; checked out Tue 2026-11-24 09:05 CST");
    expect(localSpan(null, null, "America/Chicago")).not.toContain("?");
  });
});

describe("one spelling of each board", () => {
  it("the firmware's names are the names; earlier spellings are read as them", () => {
    expect(parseBoardArgument("pixljs")).toEqual({ board: "pixljs", note: null });
    expect(parseBoardArgument("pixl-js")).toEqual({ board: "pixljs", note: 'board "pixl-js" is now written "pixljs"; using pixljs' });
    expect(parseBoardArgument("puck-js-2")).toMatchObject({ board: "puckjs" });
    expect(parseBoardArgument("espruino")).toEqual({ problem: '"espruino" is not a board: use puckjs, pixljs, banglejs2' });
    expect(board.parse("bangle-js-2")).toBe("banglejs2");
  });
});

describe("sync-time after a power loss", () => {
  it("says the clock was not set instead of a huge offset", () => {
    const setTo = "2026-11-24T15:05:00.000Z";
    expect(syncResultText({ deviceId: "00000001", deviceTimeBefore: 120, setTo, clockWasSet: false, offsetSeconds: null, zone: null })).toBe(
      "Device 00000001: the clock was not set (the device had lost power); set to 2026-11-24T15:05:00.000Z.",
    );
    expect(syncResultText({ deviceId: "00000001", deviceTimeBefore: 0, setTo, clockWasSet: true, offsetSeconds: -90, zone: null })).toBe("Device 00000001: clock was -90 s off; set to 2026-11-24T15:05:00.000Z.");
    expect(syncResultText({ deviceId: "00000001", deviceTimeBefore: 0, setTo, clockWasSet: false, offsetSeconds: -90, zone: null })).toBe(
      "Device 00000001: the clock was not trusted (it had gone back) and was -90 s off; set to 2026-11-24T15:05:00.000Z.",
    );
  });
});
