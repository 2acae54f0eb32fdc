import type { Plugin } from 'vite';

/** Where index.html lists them (src/app-shell/shell-worker.ts reads every /assets/ path in it). */
export const SHELL_ASSETS_ID = 'shell-assets';

/**
 * Lists every script and style of the build in index.html, as data the page does not load, so
 * that the shell's service worker keeps the parts loaded later (tabs, the editor) as well as the
 * first screen's: a tab opened offline opens. The first screen's own files are the ones
 * index.html loads; their names change with each build, the worker finds them by reading it.
 */
export function shellAssets(): Plugin {
  return {
    name: 'alliance:shell-assets',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const files = Object.keys(context.bundle ?? {})
          .filter((file) => file.startsWith('assets/') && /\.(?:js|css)$/.test(file))
          .sort()
          .map((file) => `/${file}`);
        return [{ tag: 'script', attrs: { type: 'application/json', id: SHELL_ASSETS_ID }, children: JSON.stringify(files), injectTo: 'body' }];
      },
    },
  };
}
