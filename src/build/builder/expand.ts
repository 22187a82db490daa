/**
 * The builder's view of the Dockerfile word rules (src/build/dockerfile/shell-lex.ts):
 * expansion against a name → value map, with the Dockerfile's escape character.
 */
export { expandHeredoc, expandWord, expandWords } from '../dockerfile/shell-lex.js';
