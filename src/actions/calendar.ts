import MarkdownIt from 'markdown-it';
import type { Ctx } from '../core/context.ts';
import { nodesOf } from './action-view.ts';
import { visibleDisclosures } from './disclosure-policy.ts';
import { visibleAction } from './policy.ts';

/**
 * The public call as an iCalendar file (RFC 5545): one event per active node. A calendar
 * file gets forwarded and synced to other people's servers, so it is built for the public
 * tier whoever asks — a marshal's download holds no more than a stranger's.
 */

/** Where the web UI shows an action's public call (like /g/{slug} for groups). */
export const actionPagePath = (slug: string): string => `/a/${encodeURIComponent(slug)}`;

const markdown = new MarkdownIt({ html: false });

/** Markdown as plain text: the words and link targets, no markup. */
export function plainText(source: string): string {
  const blocks: string[] = [];
  let listDepth = 0;
  for (const token of markdown.parse(source, {})) {
    if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') listDepth++;
    if (token.type === 'bullet_list_close' || token.type === 'ordered_list_close') listDepth--;
    if (token.type === 'fence' || token.type === 'code_block') blocks.push(token.content.trimEnd());
    if (token.type !== 'inline') continue;
    let line = '';
    let href = '';
    for (const child of token.children ?? []) {
      if (child.type === 'text' || child.type === 'code_inline') line += child.content;
      else if (child.type === 'softbreak' || child.type === 'hardbreak') line += '\n';
      else if (child.type === 'link_open') href = String(child.attrGet('href') ?? '');
      else if (child.type === 'link_close' && href) line += ` <${href}>`;
      else if (child.type === 'image') line += child.content;
    }
    blocks.push(listDepth > 0 ? `- ${line}` : line);
  }
  return blocks.join('\n\n');
}

/** TEXT values escape backslash, semicolon, comma and newline (RFC 5545 §3.3.11). */
function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets continue on the next line after a space, never splitting a character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const stamp = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export async function actionCalendar(ctx: Ctx, slug: string, baseUrl: string): Promise<string> {
  const { action } = await visibleAction(ctx, slug);
  const now = ctx.clock.now();
  const url = `${baseUrl.replace(/\/+$/, '')}${actionPagePath(action.slug)}`;
  const nodes = (await nodesOf(ctx, action.id)).filter((node) => node.status === 'active');
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Blossom//Actions//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  for (const node of nodes) {
    const released = await visibleDisclosures(ctx, action, node, 'public', now);
    const description = [
      plainText(action.call),
      action.bring ? `Bring: ${action.bring}` : '',
      ...released.map((d) => (d.place ? `${d.text}\n${d.place.label}` : d.text)),
      url,
    ].filter((part) => part !== '');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${node.id}@blossom`,
      `DTSTAMP:${stamp(now.toISOString())}`,
      `DTSTART:${stamp(node.starts_at)}`,
      `DTEND:${stamp(node.ends_at)}`,
      `SUMMARY:${escapeText(`${action.title} — ${node.city}`)}`,
      `LOCATION:${escapeText(node.city)}`,
      `DESCRIPTION:${escapeText(description.join('\n\n'))}`,
      `URL:${url}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
