/**
 * Remembers `make(key)` per key, for values costly to build from a setting that a server
 * holds one of (a secret turned into a key object). Forgets everything once `limit` keys
 * are held, which only tests with many configurations ever reach.
 */
export function memoByKey<V>(make: (key: string) => V, limit = 16): (key: string) => V {
  const held = new Map<string, V>();
  return (key) => {
    let value = held.get(key);
    if (value === undefined) {
      if (held.size >= limit) held.clear();
      value = make(key);
      held.set(key, value);
    }
    return value;
  };
}
