import { HIGHLIGHT_START, HIGHLIGHT_STOP } from './search.repository.js';

export interface Snippet {
  /** Plain text, highlights unmarked. */
  text: string;
  /** HTML: the text escaped, each highlight in <mark>…</mark>. */
  html: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * ts_headline marks highlights with control characters rather than HTML: the briefing text is
 * not HTML-safe, so it is escaped here and only our own <mark> tags are added.
 */
export function snippetOf(marked: string): Snippet {
  let text = '';
  let html = '';
  let inside = false;
  for (const piece of marked.split(new RegExp(`([${HIGHLIGHT_START}${HIGHLIGHT_STOP}])`))) {
    if (piece === HIGHLIGHT_START) {
      if (!inside) html += '<mark>';
      inside = true;
    } else if (piece === HIGHLIGHT_STOP) {
      if (inside) html += '</mark>';
      inside = false;
    } else {
      text += piece;
      html += escapeHtml(piece);
    }
  }
  if (inside) html += '</mark>';
  return { text, html };
}
