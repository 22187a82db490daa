/**
 * Parser directives: `# key=value` comments at the very top of a
 * Dockerfile (BuildKit's DirectiveParser). Only `syntax`, `escape` and
 * `check` are directives; the first line that is not one (an instruction,
 * an empty line, any other comment) ends them, and later lines that look
 * like directives are plain comments. A directive may not repeat.
 */
import { InvalidArgumentError } from '../../errors.js';

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KEYS = new Set(['syntax', 'escape', 'check']);

/** Reads directives line by line until the first line that is not one. */
export class DirectiveReader {
  /** Lower-case key → value, in the order found. */
  readonly directives: Record<string, string> = {};
  readonly #defaultEscape: string;
  #done = false;

  constructor(defaultEscape = '\\') {
    this.#defaultEscape = defaultEscape;
  }

  /** The escape character in effect: the default ("\\") unless an `escape` directive said otherwise. */
  get escape(): string {
    return this.directives['escape'] ?? this.#defaultEscape;
  }

  /**
   * Feeds one line (newline removed, leading blanks trimmed). Returns true
   * when it was a directive; throws InvalidArgumentError for a repeated
   * directive or an escape other than "\" and "`".
   */
  read(line: string): boolean {
    if (this.#done) return false;
    const m = line.startsWith('#') ? DIRECTIVE.exec(line.slice(1).trimStart()) : null;
    const key = m?.[1]!.toLowerCase();
    if (!m || !key || !KEYS.has(key)) {
      this.#done = true;
      return false;
    }
    if (Object.hasOwn(this.directives, key)) throw new InvalidArgumentError(`only one ${key} parser directive can be used`);
    const value = m[2]!;
    if (key === 'escape' && value !== '`' && value !== '\\') {
      throw new InvalidArgumentError(`invalid escape token '${value}' does not match \` or \\`);
    }
    this.directives[key] = value;
    return true;
  }
}
