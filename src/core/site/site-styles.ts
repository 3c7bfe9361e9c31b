/**
 * The static pages' stylesheet, inlined in every page: one round trip to the first word, no render-
 * blocking request. The colour tokens follow the app's (styles/main.css) and switch with the reader's
 * colour scheme; code colours are highlight.js classes, highlighted at publish time.
 */
export const SITE_CSS = `
:root{--ink-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;--ink-font-serif:Georgia,"Times New Roman",serif;--ink-color-text:#1d1d1f;--ink-color-muted:#5f6368;--ink-color-accent:#2f4fd8;--ink-color-surface:#fff;--ink-color-background:#f7f6f3;--ink-color-border:#dedbd2;--ink-code-bg:#f0eee8;--hl-keyword:#a626a4;--hl-string:#2f6f2e;--hl-number:#7a5300;--hl-comment:#59616a;--hl-title:#2f5bd0;--hl-attr:#8a5000;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--ink-color-text:#e8e6e3;--ink-color-muted:#a8a49c;--ink-color-accent:#8fa8ff;--ink-color-surface:#1f1f22;--ink-color-background:#161618;--ink-color-border:#3a3936;--ink-code-bg:#26262a;--hl-keyword:#d49be6;--hl-string:#98c379;--hl-number:#d19a66;--hl-comment:#8b949e;--hl-title:#79b8ff;--hl-attr:#e5c07b}}
*{box-sizing:border-box}html,body{margin:0;background:var(--ink-color-background);color:var(--ink-color-text);font-family:var(--ink-font);line-height:1.5}
a{color:var(--ink-color-accent)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem}
.site-header{display:flex;gap:1rem;align-items:center;justify-content:space-between;max-width:48rem;margin:0 auto;padding:1rem}
.brand{font-family:var(--ink-font-serif);font-size:1.5rem;font-weight:700;color:inherit;text-decoration:none}
.site-header nav{display:flex;gap:1rem;align-items:center}
main{max-width:48rem;margin:0 auto;padding:0 1rem 3rem}
h1{font-family:var(--ink-font-serif);font-size:2.2rem;line-height:1.2;margin:1.5rem 0 .5rem}
.meta{color:var(--ink-color-muted);margin:.25rem 0 1rem}
.cover{display:block;width:100%;height:auto;aspect-ratio:12/5;object-fit:cover;border-radius:8px;background:var(--ink-color-border)}
.prose{font-family:var(--ink-font-serif);font-size:1.15rem;line-height:1.7;overflow-wrap:anywhere}
.prose img{max-width:100%;height:auto;border-radius:8px}
.prose pre{overflow-x:auto;padding:1rem;background:var(--ink-code-bg);border-radius:8px;font-size:.95rem}
.prose code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.prose blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--ink-color-border);color:var(--ink-color-muted)}
.hljs-keyword,.hljs-built_in,.hljs-selector-tag{color:var(--hl-keyword)}.hljs-string,.hljs-regexp{color:var(--hl-string)}.hljs-number,.hljs-literal{color:var(--hl-number)}.hljs-comment{color:var(--hl-comment);font-style:italic}.hljs-title,.hljs-function{color:var(--hl-title)}.hljs-attr,.hljs-attribute,.hljs-variable{color:var(--hl-attr)}
.tags{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;list-style:none}
.cards{list-style:none;padding:0;display:grid;gap:1rem}
.card{background:var(--ink-color-surface);border:1px solid var(--ink-color-border);border-radius:8px;padding:1rem 1.25rem}
.card h2{font-family:var(--ink-font-serif);margin:.25rem 0;font-size:1.4rem}
.card .cover{margin-bottom:.5rem}
.pager{display:flex;justify-content:space-between;margin:2rem 0}
.author-card{display:flex;gap:1rem;align-items:center}
.avatar{border-radius:50%;object-fit:cover}
.comments{list-style:none;padding:0}.comments ol{list-style:none;padding-left:1.5rem;border-left:2px solid var(--ink-color-border)}
.comment{margin:1rem 0}.comment .prose{font-size:1rem}
footer{max-width:48rem;margin:0 auto;padding:2rem 1rem;color:var(--ink-color-muted)}
`
  .replace(/\n/g, '')
  .trim();
