// Splits the (provider, client) pairs that have readings into independent groups: the connected
// components of the provider–client graph. Every rule looks across one provider's clients or one
// client's providers, never further, so each component can be verified on its own: the run's
// memory stays one component deep.
export type ProviderClientPair = readonly [providerNumber: string, clientNdNumber: string];

export function pairComponents(pairs: Iterable<ProviderClientPair>): ProviderClientPair[][] {
  const parent = new Map<string, string>();
  const find = (node: string): string => {
    let root = node;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let x = node;
    while (x !== root) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const all: ProviderClientPair[] = [];
  for (const pair of pairs) {
    const p = "p:" + pair[0];
    const c = "c:" + pair[1];
    if (!parent.has(p)) parent.set(p, p);
    if (!parent.has(c)) parent.set(c, c);
    const rp = find(p);
    const rc = find(c);
    if (rp !== rc) parent.set(rp, rc);
    all.push(pair);
  }
  const components = new Map<string, ProviderClientPair[]>();
  for (const pair of all) {
    const root = find("p:" + pair[0]);
    const list = components.get(root);
    if (list) list.push(pair);
    else components.set(root, [pair]);
  }
  return [...components.values()];
}
