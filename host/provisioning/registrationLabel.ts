// The label printed for a provisioned device: ID, board, key version and a QR code of its
// registration, so that whoever hangs the device can scan it into the assignment.
// qrcode is loaded when a label is made, not when the `evv` command starts.

export interface LabelFields {
  deviceId: string;
  board: string;
  keyVersion: number;
  firmwareHash: string;
}

export function registrationPayload(fields: LabelFields): string {
  return JSON.stringify({ evv: 1, id: fields.deviceId, board: fields.board, kv: fields.keyVersion, fw: fields.firmwareHash.slice(0, 16) });
}

export async function registrationLabel(fields: LabelFields): Promise<string> {
  const { default: QRCode } = await import("qrcode");
  const qr = await QRCode.toString(registrationPayload(fields), { type: "utf8", errorCorrectionLevel: "M" });
  return [
    "┌──────────────────────────────────────┐",
    `  EVV fob ${fields.deviceId.toUpperCase()}`,
    `  board ${fields.board}, key version ${fields.keyVersion}`,
    "└──────────────────────────────────────┘",
    qr,
  ].join("\n");
}
