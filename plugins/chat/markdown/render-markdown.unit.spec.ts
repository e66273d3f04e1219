import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render-markdown.ts';

describe('chat markdown', () => {
  it('renders the subset', () => {
    expect(renderMarkdown('**bold** and *it* and _it2_ and ~~gone~~')).toBe('<p><strong>bold</strong> and <em>it</em> and <em>it2</em> and <del>gone</del></p>');
    expect(renderMarkdown('use `a < b` here')).toBe('<p>use <code>a &lt; b</code> here</p>');
    expect(renderMarkdown('```\nif (a < b) **no**\n```')).toBe('<pre><code>if (a &lt; b) **no**</code></pre>');
    expect(renderMarkdown('- one\n- two\n\n1. first')).toBe('<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>');
    expect(renderMarkdown('> quoted\n> more')).toBe('<blockquote>quoted<br />more</blockquote>');
    expect(renderMarkdown('line 1\nline 2')).toBe('<p>line 1<br />line 2</p>');
  });

  it('makes safe links only', () => {
    expect(renderMarkdown('[docs](https://example.com/a?b=1&c=2)')).toBe('<p><a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">docs</a></p>');
    expect(renderMarkdown('see https://example.com/x.')).toBe('<p>see <a href="https://example.com/x" rel="noopener noreferrer nofollow" target="_blank">https://example.com/x</a>.</p>');
    expect(renderMarkdown('[x](javascript:alert(1))')).not.toContain('href');
    expect(renderMarkdown('[x](https://a.example/"onmouseover="alert(1))')).not.toMatch(/onmouseover="/);
  });

  it('escapes every HTML the author typed', () => {
    for (const evil of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', '<a href="javascript:x">y</a>', '**<b>x</b>**', '`</code><script>`']) {
      const html = renderMarkdown(evil);
      expect(html).not.toMatch(/<(script|img|svg|b)\b/i);
      expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    }
  });

  it('marks mentions and channel references', () => {
    expect(renderMarkdown('hi @bob.smith and @channel, see ~random')).toBe('<p>hi <span class="mention" data-mention="bob.smith">@bob.smith</span> and <span class="mention-all" data-mention="channel">@channel</span>, see <span class="channel-ref">~random</span></p>');
    expect(renderMarkdown('mail me at bob@example.com')).not.toContain('mention');
  });
});
