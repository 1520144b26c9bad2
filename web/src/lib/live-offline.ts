/**
 * Registers the service worker (web/public/sw.js) that keeps the app shell, so an action's
 * live page opens without a network. Only pages about an action ask for it: someone who
 * just browses groups gets no worker and no cache on their phone.
 */
export function keepShellOffline(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
    // Without it the page still works online; offline it shows what localStorage kept, if it loads.
  });
}
