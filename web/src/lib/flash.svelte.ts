/** A one-line message shown on the page someone is sent to ("Your account was deleted."). */
export const flash = $state<{ message: string | null; path: string | null }>({ message: null, path: null });

export function showFlash(message: string, path: string): void {
  flash.message = message;
  flash.path = new URL(path, window.location.origin).pathname;
}
