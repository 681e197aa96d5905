import { describe, expect, it } from "vitest";
import { zoneSettingFor } from "../../host/provisioning/zoneSetting.js";
import { ZONE_RULE_NONE, ZONE_RULE_US } from "../../protocol/index.js";

describe("the fob's local-time setting for a service location's time zone", () => {
  const at = new Date(Date.UTC(2026, 10, 30, 12));
  it("North Dakota's zones and Arizona map to a standard offset and the US rule or none", () => {
    expect(zoneSettingFor("America/Chicago", at)).toMatchObject({ standardOffsetMinutes: -360, rule: ZONE_RULE_US, ruleName: "US" });
    expect(zoneSettingFor("America/Denver", at)).toMatchObject({ standardOffsetMinutes: -420, rule: ZONE_RULE_US });
    expect(zoneSettingFor("America/North_Dakota/Center", at)).toMatchObject({ standardOffsetMinutes: -360, rule: ZONE_RULE_US });
    expect(zoneSettingFor("America/Phoenix", at)).toMatchObject({ standardOffsetMinutes: -420, rule: ZONE_RULE_NONE, ruleName: "NONE" });
  });

  it("refuses by name a zone the fob cannot show and an unknown zone", () => {
    expect(() => zoneSettingFor("Europe/London", at)).toThrow(/Europe\/London does not follow the US daylight-saving rule/);
    expect(() => zoneSettingFor("Mars/Olympus", at)).toThrow(/unknown time zone Mars\/Olympus/);
  });
});
