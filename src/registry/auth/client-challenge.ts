/**
 * Parsing `WWW-Authenticate` (RFC 7235) on the client side: one header may
 * hold several challenges (`Bearer realm="…",service="…", Basic realm="…"`,
 * or two headers that fetch joined with ", "), each a scheme followed by
 * comma-separated `name=value` params whose values are tokens or quoted
 * strings with backslash escapes; a Bearer `scope` may hold several scopes
 * separated by spaces.
 */

export interface AuthChallenge {
  /** Lower-cased scheme: `basic`, `bearer`, … */
  scheme: string;
  /** Params by lower-cased name, values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;

export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i]!)) i++;
  };
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(header);
    if (!m) return undefined;
    i = re.lastIndex;
    return m[0];
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = match(TOKEN);
    if (scheme === undefined) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skip(/[ \t]/);
    // Params until the next challenge: a token followed by something other than '='.
    for (;;) {
      skip(/[\s,]/);
      const start = i;
      const name = match(TOKEN);
      if (name === undefined) {
        // A token68 credential-style challenge (rare): keep it whole.
        const t68 = match(TOKEN68);
        if (t68 !== undefined) challenge.params[''] = t68;
        break;
      }
      skip(/[ \t]/);
      if (header[i] !== '=') {
        i = start; // the next scheme
        break;
      }
      i++;
      skip(/[ \t]/);
      let value: string;
      if (header[i] === '"') {
        i++;
        value = '';
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < header.length) i++;
          value += header[i];
          i++;
        }
        i++; // closing quote
      } else {
        value = match(TOKEN) ?? '';
      }
      challenge.params[name.toLowerCase()] = value;
      if (i >= header.length) break;
    }
  }
  return out;
}

/** The challenge a client should answer: Bearer when offered (it carries scope), else Basic. */
export function pickChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
