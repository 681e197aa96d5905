// What the verifier needs from the keystore: master keys by version. The keystore itself
// satisfies it; a verification worker gets a copy of the versions in memory (never on disk).
export interface MasterKeySource {
  hasVersion(version: number): boolean;
  masterKey(version: number): Uint8Array;
}

/** The master keys as plain [version, key] pairs, to hand to a worker thread. */
export function copyMasterKeys(source: MasterKeySource & { versions(): number[] }): [number, Uint8Array][] {
  return source.versions().map((v) => [v, source.masterKey(v)]);
}

export class InMemoryMasterKeys implements MasterKeySource {
  private readonly keys: Map<number, Uint8Array>;

  constructor(entries: readonly [number, Uint8Array][]) {
    this.keys = new Map(entries);
  }

  hasVersion(version: number): boolean {
    return this.keys.has(version);
  }

  masterKey(version: number): Uint8Array {
    const key = this.keys.get(version);
    if (!key) throw new Error(`no master key of version ${version}`);
    return key;
  }
}
