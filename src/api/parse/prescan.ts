/**
 * A linear pre-scan of YAML/JSON text for flow nesting (`[[[[...`, `{{{{...`) before the real parser sees it: the
 * parser recurses per level, so a few megabytes of brackets cost it seconds and hundreds of megabytes before it
 * gives up. The scan is a deliberately conservative approximation (it only counts brackets that open a value or
 * sit inside a flow collection, skipping quoted text and comments), so valid manifests are never refused by it.
 */

/** Where the scan found the nesting limit exceeded (0-based offset), or undefined. */
export function findExcessiveFlowNesting(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  // Whether the next non-blank character starts a value (line start, after "- ", ": ", "? ").
  let atValueStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== undefined) {
      if (c === 0x5c /* \ */ && quote === '"') i++;
      else if (c === quote.charCodeAt(0)) quote = undefined;
      continue;
    }
    if (c === 0x0a /* \n */) {
      atValueStart = true;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (c === 0x23 /* # */ && (i === 0 || /\s/.test(text[i - 1] ?? ' '))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl - 1;
      continue;
    }
    const opens = c === 0x5b || c === 0x7b; /* [ { */
    if (depth > 0) {
      if (opens) {
        if (++depth > maxDepth) return i;
      } else if (c === 0x5d || c === 0x7d) depth--;
      // A quote opens a quoted scalar only where a value starts (`don't` inside a plain scalar is no quote).
      else if ((c === 0x22 || c === 0x27) && /[[{,:\s]/.test(text[i - 1] ?? ' ')) quote = c === 0x22 ? '"' : "'";
      continue;
    }
    if (opens && atValueStart) {
      depth = 1;
      continue;
    }
    if (atValueStart && (c === 0x22 || c === 0x27)) {
      quote = c === 0x22 ? '"' : "'";
      atValueStart = false;
      continue;
    }
    // "- ", ": " and "? " are followed by a value; anything else is plain text up to the end of the line.
    const next = text.charCodeAt(i + 1);
    const blankNext = next === 0x20 || next === 0x0a || Number.isNaN(next);
    atValueStart = (c === 0x2d || c === 0x3a || c === 0x3f) && blankNext;
  }
  return undefined;
}
