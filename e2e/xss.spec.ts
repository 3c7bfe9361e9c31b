/**
 * Hostile content renders inertly. Posts full of XSS payloads (in titles, author names, tags, excerpts,
 * slugs and markdown bodies) are written straight to the table with operator credentials, past the
 * app's validation, as a malicious client with its own keys could write into its own partition. Every
 * page that shows them must run no script, open no dialog and keep no script URL in the DOM.
 */

import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '@playwright/test';
import { LOCAL_ADMIN_CREDENTIALS } from '../local-aws/admin.ts';
import { links } from '../src/app/routes.ts';
import { createAwsClients } from '../src/aws/client-factory.ts';
import { type PublishedPost, publishedItem, tagItems } from '../src/core/post-items.ts';
import { sitePaths } from '../src/core/site/paths.ts';
import { defaultHandle } from '../src/core/site/site-model.ts';
import { editor, signIn } from './support/app.ts';
import { expect, test } from './support/fixtures.ts';

test.describe.configure({ mode: 'serial' });

const FLAG = '__inkwellXss';
const run = `${Date.now().toString(36)}`;
const authorId = `us-east-1:xss-${run}`;
const commonTag = `xss-${run}`;

/** Each sets the window flag, opens a dialog or leaves a script URL if it ever runs or survives. */
const PAYLOADS = [
  `<script>window.${FLAG}=1</script>`,
  `<img src=x onerror="window.${FLAG}=1">`,
  `<svg onload="window.${FLAG}=1">`,
  `<svg><script>window.${FLAG}=1</script></svg>`,
  `javascript:window.${FLAG}=1`,
  `<a href="javascript:window.${FLAG}=1">js link</a>`,
  `<iframe src="javascript:window.${FLAG}=1"></iframe>`,
  `<iframe srcdoc="<script>parent.${FLAG}=1</script>"></iframe>`,
  `<body onload=window.${FLAG}=1>`,
  `<details open ontoggle=window.${FLAG}=1>x</details>`,
  `<input autofocus onfocus=window.${FLAG}=1>`,
  `<video><source onerror="window.${FLAG}=1"></video>`,
  `<audio src=x onerror=window.${FLAG}=1>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=window.${FLAG}=1>`,
  `<object data="javascript:window.${FLAG}=1"></object>`,
  `<embed src="javascript:window.${FLAG}=1">`,
  `<form action="javascript:window.${FLAG}=1"><button>go</button></form>`,
  `<button formaction="javascript:window.${FLAG}=1">go</button>`,
  `<marquee onstart=window.${FLAG}=1>m</marquee>`,
  `"><script>window.${FLAG}=1</script>`,
  `'><img src=x onerror=window.${FLAG}=1>`,
  `</title><script>window.${FLAG}=1</script>`,
  `</textarea><script>window.${FLAG}=1</script>`,
  `<style>@import 'javascript:window.${FLAG}=1';</style>`,
  `<link rel=stylesheet href="javascript:window.${FLAG}=1">`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.${FLAG}=1">`,
  `<base href="javascript:window.${FLAG}=1//">`,
  `<div style="background:url(javascript:window.${FLAG}=1)">styled</div>`,
  `<a href="jav&#x09;ascript:window.${FLAG}=1">tab</a>`,
  `<a href="&#106;avascript:window.${FLAG}=1">entity</a>`,
  `<a href=" javascript:window.${FLAG}=1">space</a>`,
  `<a href="JaVaScRiPt:window.${FLAG}=1">case</a>`,
  `<a href="data:text/html,<script>window.${FLAG}=1</script>">data</a>`,
  '<a href="vbscript:msgbox(1)">vb</a>',
  `<svg><a xlink:href="javascript:window.${FLAG}=1"><text y="20">svg link</text></a></svg>`,
  `<svg><animate onbegin=window.${FLAG}=1 attributeName=x dur=1s></svg>`,
  `<svg><set attributeName=href to="javascript:window.${FLAG}=1"></svg>`,
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.domain)</script>',
  '<img src=x onerror=confirm(1)>',
  '<img src=x onerror=prompt(1)>',
  `<template><script>window.${FLAG}=1</script></template>`,
  `<noscript><p title="</noscript><img src=x onerror=window.${FLAG}=1>"></noscript>`,
  `<div tabindex=1 autofocus onfocusin=window.${FLAG}=1>focus</div>`,
  `<div popover id=p onbeforetoggle=window.${FLAG}=1>pop</div><button popovertarget=p>x</button>`,
  `{{constructor.constructor("window.${FLAG}=1")()}}`,
  `\${window.${FLAG}=1}`,
  `<img srcset="x" onerror=window.${FLAG}=1>`,
  `<picture><source srcset=x><img onerror=window.${FLAG}=1 src=x></picture>`,
  `<a href="#" onclick="window.${FLAG}=1">click</a>`,
  `<table background="javascript:window.${FLAG}=1"><tr><td>t</td></tr></table>`,
  `<xss onpointerenter=window.${FLAG}=1 style=display:block>hover</xss>`,
  `<img src="javascript:window.${FLAG}=1">`,
  `<image src=x onerror=window.${FLAG}=1>`,
  `<frameset onload=window.${FLAG}=1>`,
  `<!--<img src="--><img src=x onerror=window.${FLAG}=1//">`,
  `<scr<script>ipt>window.${FLAG}=1</scr</script>ipt>`,
  `%3Cscript%3Ewindow.${FLAG}=1%3C/script%3E`,
  `&lt;script&gt;window.${FLAG}=1&lt;/script&gt;`,
  `[md link](javascript:window.${FLAG}=1)`,
  `[md link upper](JAVASCRIPT:window.${FLAG}=1)`,
  `[md entity](javascript&#58;window.${FLAG}=1)`,
  `![md image](javascript:window.${FLAG}=1)`,
  `![x](x "onerror=window.${FLAG}=1")`,
  `<javascript:window.${FLAG}=1>`,
  `[angle](<javascript:window.${FLAG}=1>)`,
  `[ref link][evil]\n\n[evil]: javascript:window.${FLAG}=1`,
  `\`\`\`html\n<script>window.${FLAG}=1</script>\n\`\`\``,
  `<svg><foreignObject><iframe srcdoc="<script>parent.${FLAG}=1</script>"></iframe></foreignObject></svg>`,
  `<select><template shadowrootmode="open"><img src=x onerror=window.${FLAG}=1></template></select>`,
];

/** Slugs are URL parts: a few hostile ones too (the app encodes them in every link). */
function slugFor(i: number): string {
  return i % 10 === 3 ? `x"><img src=x onerror=window.${FLAG}=1>-${i}` : `xss-post-${i}`;
}

const posts: PublishedPost[] = PAYLOADS.map((payload, i) => {
  const publishedAt = new Date(Date.now() - i * 1000).toISOString();
  return {
    authorId,
    authorName:
      i === 0
        ? `<img src=x onerror=window.${FLAG}=1>Mallory`
        : `Mallory ${PAYLOADS[(i + 3) % PAYLOADS.length]}`,
    slug: slugFor(i),
    title: payload,
    excerpt: PAYLOADS[(i + 1) % PAYLOADS.length]!,
    tags: [PAYLOADS[(i + 2) % PAYLOADS.length]!, commonTag],
    body: [`# ${payload}`, '', ...PAYLOADS.flatMap((p) => [p, ''])].join('\n'),
    status: 'published',
    version: 1,
    createdAt: publishedAt,
    updatedAt: publishedAt,
    publishedAt,
  };
});

/** What would show that a payload was not neutralised, found anywhere in the DOM, shadow roots included. */
async function findLiveContent(page: Page): Promise<string[]> {
  return page.evaluate((flag) => {
    const found: string[] = [];
    if ((window as unknown as Record<string, unknown>)[flag] !== undefined)
      found.push(`window.${flag} was set`);
    const SCRIPT_URL = /^\s*(javascript|vbscript|data\s*:\s*text\/html)/i;
    const URL_ATTRIBUTES = [
      'href',
      'src',
      'action',
      'formaction',
      'xlink:href',
      'data',
      'background',
      'poster',
      'srcdoc',
      'to',
    ];
    const visit = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        const tag = element.tagName.toLowerCase();
        if (
          ['iframe', 'object', 'embed', 'frame', 'frameset', 'base', 'meta', 'link'].includes(tag) &&
          root !== document
        ) {
          found.push(`<${tag}> in a shadow root`);
        }
        if (tag === 'script' && root !== document) found.push('<script> in a shadow root');
        for (const attribute of element.attributes) {
          const name = attribute.name.toLowerCase();
          if (name.startsWith('on')) found.push(`<${tag} ${name}>`);
          if (
            URL_ATTRIBUTES.includes(name) &&
            // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers drop these from URLs, so must we.
            SCRIPT_URL.test(attribute.value.replace(/[\u0000-\u001f]/g, ''))
          ) {
            found.push(`<${tag} ${name}="${attribute.value}">`);
          }
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    // The document itself: only the app's own scripts.
    for (const script of document.scripts) {
      // JSON-LD is data, never run; it must still parse as JSON (no text closed the element early).
      if (script.type === 'application/ld+json' && !script.src) {
        try {
          JSON.parse(script.textContent ?? '');
          continue;
        } catch {
          found.push('a JSON-LD block that is not JSON');
          continue;
        }
      }
      if (!script.src || new URL(script.src).origin !== location.origin)
        found.push('a foreign <script> in the document');
    }
    return found;
  }, FLAG);
}

function watchDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return dialogs;
}

async function expectInert(page: Page, dialogs: string[]) {
  // Give anything that would fire (image errors, focus, animations, toggles) the chance to.
  await page.waitForTimeout(150);
  expect(await findLiveContent(page)).toEqual([]);
  expect(dialogs).toEqual([]);
}

test.beforeAll(async ({ stack }) => {
  const admin = createAwsClients({
    region: stack.config.region,
    endpoint: stack.gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
  });
  const items = posts.flatMap((post) => [publishedItem(post), ...tagItems(post)]);
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, unknown[]> | undefined = {
      [stack.config.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const result = await admin.documents.send(new BatchWriteCommand({ RequestItems: request as never }));
      request = result.UnprocessedItems as typeof request;
    }
  }
  admin.destroy();
});

test(`${PAYLOADS.length} payloads stay inert in the feed, the author page and tag pages`, async ({
  page,
  stack,
}) => {
  test.setTimeout(120_000);
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(60);
  const dialogs = watchDialogs(page);
  const lists = [
    links.home(),
    links.author(authorId),
    links.tag(commonTag),
    ...[0, 1, 2, 5, 19, 40, 62].map((i) => links.tag(PAYLOADS[i]!)),
  ];
  // The detector itself detects: a planted handler and script URL are both reported.
  await page.goto(stack.appUrl);
  await page.evaluate(() => {
    const a = document.createElement('a');
    a.id = 'planted';
    a.setAttribute('href', ' javascript:void 0');
    a.setAttribute('onclick', 'void 0');
    document.body.append(a);
  });
  expect(await findLiveContent(page)).toHaveLength(2);
  let cards = 0;
  for (const first of lists) {
    await page.goto(`${stack.appUrl}${first}`);
    for (let pageNumber = 0; pageNumber < 5; pageNumber++) {
      await expect(page.locator('ink-post-list')).toBeVisible();
      cards += await page.locator('ink-post-card').count();
      await expectInert(page, dialogs);
      const older = page.getByRole('link', { name: 'Older posts →' });
      if ((await older.count()) === 0) break;
      await older.click();
    }
  }
  // The hostile text is shown as text: a title reads exactly as stored.
  await page.goto(`${stack.appUrl}${links.author(authorId)}`);
  await expect(page.getByRole('heading', { level: 2, name: PAYLOADS[0]!, exact: true })).toBeVisible();
  expect(cards).toBeGreaterThan(PAYLOADS.length * 2);
});

test('every post page renders its hostile title, tags, excerpt and markdown body inertly', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000);
  const dialogs = watchDialogs(page);
  for (const post of posts) {
    await page.goto(`${stack.appUrl}${links.post(post.authorId, post.slug)}`);
    await expect(page.getByRole('heading', { level: 1 }).first()).toHaveText(post.title);
    await expectInert(page, dialogs);
    // Tag links lead to their tag pages, with the tag as data, not markup.
    await expect(page.getByRole('link', { name: `#${commonTag}` })).toHaveAttribute(
      'href',
      links.tag(commonTag),
    );
  }
  // Following a hostile tag link from a post page works and stays inert.
  await page.getByRole('link', { name: `#${posts.at(-1)!.tags[0]}` }).click();
  await expect(page.locator('ink-post-card').first()).toBeVisible();
  await expectInert(page, dialogs);
});

test('the rendered pages the publisher writes are inert too: posts, the author page and its older pages', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000);
  const dialogs = watchDialogs(page);
  const handle = defaultHandle(authorId);
  // The publisher renders from the table's stream: wait until the last post's page is there.
  const last = posts.at(-1)!;
  await expect(async () => {
    const response = await page.request.get(`${stack.appUrl}${sitePaths.post(handle, last.slug)}`);
    expect(response.status()).toBe(200);
  }).toPass({ timeout: 60_000 });
  for (const post of posts) {
    await page.goto(`${stack.appUrl}${sitePaths.post(handle, post.slug)}`);
    await expect(page.getByRole('heading', { level: 1 }).first()).toHaveText(post.title);
    await expectInert(page, dialogs);
  }
  await page.goto(`${stack.appUrl}${sitePaths.author(handle)}`);
  for (let pageNumber = 0; pageNumber < 5; pageNumber++) {
    await expectInert(page, dialogs);
    const older = page.getByRole('link', { name: 'Older posts →' });
    if ((await older.count()) === 0) break;
    await older.click();
  }
  // Hostile titles are text in the Atom feed and the sitemap too: both still parse as XML.
  for (const path of [sitePaths.authorFeed(handle), sitePaths.sitemap()]) {
    const text = await (await page.request.get(`${stack.appUrl}${path}`)).text();
    const parsed = await page.evaluate(
      (xml) => new DOMParser().parseFromString(xml, 'application/xml').querySelector('parsererror') === null,
      text,
    );
    expect(parsed, path).toBe(true);
  }
});

test('the editor’s preview renders the payloads inertly too (the same renderer readers get)', async ({
  page,
  stack,
}) => {
  test.setTimeout(120_000);
  const dialogs = watchDialogs(page);
  await signIn(page, stack.appUrl, 'Alice Archer', '/write');
  const ed = editor(page);
  await ed.title.fill(PAYLOADS[1]!);
  await ed.excerpt.fill(PAYLOADS[2]!);
  await ed.body.evaluate((element, text) => {
    (element as unknown as { CodeMirror: { setValue(value: string): void } }).CodeMirror.setValue(text);
  }, posts[0]!.body);
  await ed.button('Preview').click();
  await expect(ed.root.getByRole('article', { name: 'Preview' })).toBeVisible();
  await expectInert(page, dialogs);
  await ed.button('Write').click();
  await expect(ed.status).toHaveText(/^Saved/);
  await expectInert(page, dialogs);
});
