/** Longer warnings are cut: kubectl prints them whole, on one line. */
const MAX_WARNING_CHARACTERS = 1024;

/**
 * A Warning header (RFC 7234 code 299, as the API server sends them) carrying `text`. client-go
 * prints every warning it receives as "Warning: text", even on responses whose Status it does
 * not show: kubectl with no discovery cache reports a 401 as "the server has asked for the
 * client to provide credentials" whatever the Status says, so a refusal's reason reaches the
 * user only this way. Header values are Latin-1 without controls: anything else becomes "?".
 */
export function warningHeaderValue(text: string): string {
  const printable = text
    .slice(0, MAX_WARNING_CHARACTERS)
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/["\\]/g, (character) => `\\${character}`);
  return `299 - "${printable}"`;
}
