import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from './markdown.ts';

describe('group descriptions as markdown', () => {
  it('keeps ordinary formatting', () => {
    const html = renderMarkdown('# Meet\n\n**Bring** _snacks_\n\n- one\n- two\n\n> quoted\n\n`code`');
    for (const part of ['<h1>Meet</h1>', '<strong>Bring</strong>', '<em>snacks</em>', '<li>one</li>', '<blockquote>', '<code>code</code>']) {
      assert.ok(html.includes(part), `${part} in ${html}`);
    }
  });

  it('never lets a script tag or event handler through', () => {
    for (const source of ['<script>alert(1)</script>', 'hi <img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>', '<iframe src="https://e.example"></iframe>']) {
      const html = renderMarkdown(source);
      assert.doesNotMatch(html, /<script|<img|<iframe|<[^>]+\son\w+=|<a\s[^>]*href="javascript:/i, html);
    }
  });

  it('drops javascript:, data: and other schemes from links', () => {
    for (const source of [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](&#106;avascript:alert(1))',
      '[x](  javascript:alert(1))',
      '<javascript:alert(1)>',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](vbscript:msgbox)',
    ]) {
      const html = renderMarkdown(source);
      assert.doesNotMatch(html, /href="(?!https?:|mailto:|\/)/i, `${source} -> ${html}`);
      assert.doesNotMatch(html, /href="[^"]*script:/i, `${source} -> ${html}`);
    }
  });

  it('marks every link nofollow noopener noreferrer', () => {
    const html = renderMarkdown('[site](https://example.org) and https://autolinked.example and [mail](mailto:a@b.example)');
    const links = html.match(/<a [^>]*>/g) ?? [];
    assert.equal(links.length, 3);
    for (const link of links) assert.match(link, /rel="nofollow noopener noreferrer"/);
  });

  it('turns images into links, so no other server learns who looked', () => {
    const html = renderMarkdown('![our banner](https://tracker.example/pixel.png)');
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /<a href="https:\/\/tracker\.example\/pixel\.png" rel="nofollow noopener noreferrer">our banner<\/a>/);
  });

  it('drops protocol-relative links and class attributes', () => {
    const html = renderMarkdown('[x](//evil.example)\n\n```js\nlet a\n```');
    assert.doesNotMatch(html, /evil\.example|class=/);
  });
});
