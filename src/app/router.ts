/**
 * A small History API router: real URLs, no hash. Routes are URL patterns; links inside the app are
 * intercepted so navigation does not reload the page.
 */
import { isAppPath } from '../core/site/paths.ts';

export interface RouteMatch<Name extends string = string> {
  name: Name;
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDefinition<Name extends string> {
  name: Name;
  pattern: string;
}

export class Router<Name extends string> extends EventTarget {
  readonly #routes: { name: Name; pattern: URLPattern }[];
  readonly #fallback: Name;
  current: RouteMatch<Name>;

  constructor(routes: RouteDefinition<Name>[], fallback: Name) {
    super();
    this.#routes = routes.map((route) => ({
      name: route.name,
      pattern: new URLPattern({ pathname: route.pattern }),
    }));
    this.#fallback = fallback;
    this.current = this.match(location.href);
  }

  match(href: string): RouteMatch<Name> {
    const url = new URL(href, location.origin);
    for (const route of this.#routes) {
      const result = route.pattern.exec({ pathname: url.pathname });
      if (result) {
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(result.pathname.groups)) {
          if (value !== undefined) params[key] = decodeURIComponent(value);
        }
        return { name: route.name, params, query: url.searchParams };
      }
    }
    return { name: this.#fallback, params: {}, query: url.searchParams };
  }

  /** Starts listening to back/forward and to clicks on same-origin links. */
  start(): void {
    addEventListener('popstate', () => this.#update());
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
        return;
      const anchor = event
        .composedPath()
        .find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
      if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin)
        return;
      // Rendered pages (`/@handle/...`, feeds) are the server's, not the app's: let the browser load them.
      if (anchor.pathname.startsWith('/auth/') || !isAppPath(anchor.pathname)) return;
      event.preventDefault();
      this.navigate(anchor.pathname + anchor.search + anchor.hash);
    });
  }

  navigate(href: string, options: { replace?: boolean } = {}): void {
    if (options.replace) history.replaceState(null, '', href);
    else history.pushState(null, '', href);
    this.#update();
    if (!options.replace) scrollTo(0, 0);
  }

  #update(): void {
    this.current = this.match(location.href);
    this.dispatchEvent(new Event('change'));
  }
}
