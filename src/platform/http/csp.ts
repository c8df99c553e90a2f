/**
 * The content security policy of Tandem's pages (the console and /docs): scripts only from this
 * origin, no inline script. Fluent UI (Griffel) inserts its styles at run time, so inline styles are
 * allowed; nothing is loaded from elsewhere.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
