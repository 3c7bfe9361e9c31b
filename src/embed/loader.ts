/**
 * embed.js: the one tag authors paste into any page to show a post's comments.
 *
 *   <script src="https://<inkwell>/embed.js" data-post="<authorId>/<slug>" data-theme="light|dark"
 *           data-lazy="true" async></script>
 *
 * It inserts an iframe on Inkwell's origin right after the tag (when it scrolls near the viewport, if
 * lazy), so the host page can never read a commenter's tokens or AWS keys: they live in the iframe's
 * origin. The iframe reports its height; `InkwellComments.setTheme('dark')` (or posting
 * `{ type: 'inkwell-comments:theme', theme }` to the host window) switches the theme at runtime.
 * Plain DOM, no dependencies: built on its own as an IIFE (scripts/lib/embed-build-plugin.ts).
 */
import { acceptResize, frameUrl, isTheme, isThemeMessage, THEME_MESSAGE, type Theme } from './protocol.ts';

interface Widget {
  origin: string;
  post: string;
  theme: Theme;
  container: HTMLElement;
  iframe?: HTMLIFrameElement;
}

export interface InkwellCommentsApi {
  /** Switches every widget on the page to this theme. */
  setTheme(theme: Theme): void;
  /** Mounts a widget for a script tag (done automatically for the tag that loads this file). */
  mount(script: HTMLScriptElement): void;
}

declare global {
  interface Window {
    InkwellComments?: InkwellCommentsApi;
  }
}

/** Start loading this far before the widget scrolls into view. */
const LAZY_MARGIN = '200px';

function install(): InkwellCommentsApi {
  const widgets: Widget[] = [];

  const send = (widget: Widget) => {
    widget.iframe?.contentWindow?.postMessage({ type: THEME_MESSAGE, theme: widget.theme }, widget.origin);
  };

  const create = (widget: Widget) => {
    const iframe = document.createElement('iframe');
    iframe.src = frameUrl(widget.origin, { post: widget.post, theme: widget.theme, parent: location.origin });
    iframe.title = 'Comments';
    iframe.setAttribute('style', 'display:block;width:100%;height:160px;border:0;color-scheme:normal');
    // A theme switch that raced the frame's load is sent again once it is there.
    iframe.addEventListener('load', () => send(widget));
    widget.iframe = iframe;
    widget.container.append(iframe);
  };

  addEventListener('message', (event) => {
    if (event.source === window && event.origin === location.origin && isThemeMessage(event.data)) {
      api.setTheme(event.data.theme);
      return;
    }
    for (const widget of widgets) {
      const height = acceptResize(event, { origin: widget.origin, source: widget.iframe?.contentWindow });
      if (height !== null && widget.iframe) widget.iframe.style.height = `${height}px`;
    }
  });

  const api: InkwellCommentsApi = {
    setTheme(theme) {
      if (!isTheme(theme)) return;
      for (const widget of widgets) {
        widget.theme = theme;
        send(widget);
      }
    },
    mount(script) {
      const data = script.dataset;
      const post = data.post ?? '';
      if (!post || !script.src) {
        console.warn('[inkwell] embed.js needs src and data-post="<authorId>/<slug>"');
        return;
      }
      const container = document.createElement('div');
      container.className = 'inkwell-comments';
      container.setAttribute('style', 'min-height:1px');
      const widget: Widget = {
        origin: new URL(script.src).origin,
        post,
        theme: isTheme(data.theme) ? data.theme : 'light',
        container,
      };
      widgets.push(widget);
      const start = () => {
        // In the body, right after the tag; a tag in <head> puts the widget at the end of the body.
        if (script.parentElement && script.parentElement !== document.head) script.after(container);
        else document.body.append(container);
        if (data.lazy === 'false' || typeof IntersectionObserver !== 'function') {
          create(widget);
          return;
        }
        const observer = new IntersectionObserver(
          (entries) => {
            if (!entries.some((entry) => entry.isIntersecting)) return;
            observer.disconnect();
            create(widget);
          },
          { rootMargin: LAZY_MARGIN },
        );
        observer.observe(container);
      };
      if (document.body) start();
      else document.addEventListener('DOMContentLoaded', start, { once: true });
    },
  };
  return api;
}

const api = window.InkwellComments ?? install();
window.InkwellComments = api;
const current = document.currentScript;
if (current instanceof HTMLScriptElement) api.mount(current);
