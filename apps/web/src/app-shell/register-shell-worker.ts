/** Where the build puts the shell's service worker (see vite.config.ts); served from the root so it covers every page. */
export const SHELL_WORKER_PATH = '/shell-worker.js';

/** Installs the service worker that lets the app start offline (production builds only). */
export function registerShellWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(SHELL_WORKER_PATH, { scope: '/' }).catch((error: unknown) => {
      console.warn('The app could not be set up to open offline.', error instanceof Error ? error.message : error);
    });
  });
}
