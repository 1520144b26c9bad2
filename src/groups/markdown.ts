import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true });

// An image from another server would tell that server who opened the group page and when,
// so an image becomes a plain link the reader may choose to follow.
markdown.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  const { escapeHtml } = markdown.utils;
  return `<a href="${escapeHtml(src)}">${escapeHtml(alt || src)}</a>`;
};

/**
 * The allow-list is the real guard; markdown-it's own link check is a second one. Anything
 * not listed here is dropped, whatever markdown-it (or a future version of it) emits.
 * No style attributes: the CSP would refuse them anyway.
 */
const policy: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li',
    'strong', 'em', 's', 'code', 'pre', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  // rel is set by the transform below; transforms run before attributes are filtered.
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A followed link must not pass on which group page it came from, nor get a handle on it.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer' } }),
  },
};

/** A group description as safe HTML. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), policy);
}
